export interface ChannelsTable {
  id: string
  code: string
  name: string
  type: string
  active: number
  createdAt: string
  updatedAt: string
}

export interface ChannelTables {
  channels: ChannelsTable
}

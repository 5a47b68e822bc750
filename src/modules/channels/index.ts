export { createChannelService, type ChannelService } from './service.js'
export { channelRoutes } from './routes.js'
export { channelSchema, channelCode, type Channel } from './schema.js'

import { describe, expect, it } from 'vitest'
import { endpointUrlProblem, isPrivateAddress } from './url-policy.js'

describe('webhook URL policy (SSRF)', () => {
  it('knows private, loopback, link-local and reserved addresses', () => {
    for (const a of ['127.0.0.1', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', '::', 'fd00::1', 'fe80::1', '::ffff:7f00:1', '::ffff:10.0.0.1', '224.0.0.1']) {
      expect(isPrivateAddress(a), a).toBe(true)
    }
    for (const a of ['8.8.8.8', '172.32.0.1', '93.184.216.34', '2606:4700:4700::1111', '::ffff:808:808', 'example.com']) expect(isPrivateAddress(a), a).toBe(false)
  })

  it('accepts public http(s) URLs', () => {
    expect(endpointUrlProblem('https://hooks.example.com/ordo?x=1', false)).toBeUndefined()
    expect(endpointUrlProblem('http://203.0.113.7:8080/in', false)).toBeUndefined()
  })

  it('refuses other schemes and credentials, always', () => {
    for (const allow of [false, true]) {
      expect(endpointUrlProblem('ftp://example.com/x', allow)).toMatch(/http or https/)
      expect(endpointUrlProblem('https://user:secret@example.com/x', allow)).toMatch(/credentials/)
      expect(endpointUrlProblem('https://user@example.com/x', allow)).toMatch(/credentials/)
      expect(endpointUrlProblem('not a url', allow)).toBe('not a URL')
    }
  })

  it('refuses localhost and private addresses unless they are allowed', () => {
    for (const url of ['http://localhost:3000/hook', 'http://api.localhost/x', 'http://127.0.0.1/x', 'http://[::1]:8080/x', 'http://169.254.169.254/latest/meta-data', 'http://10.0.0.5/x']) {
      expect(endpointUrlProblem(url, false), url).toMatch(/ORDO_WEBHOOKS_ALLOW_PRIVATE/)
      expect(endpointUrlProblem(url, true), url).toBeUndefined()
    }
  })
})

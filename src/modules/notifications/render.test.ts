import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { escapeHtml, parseTemplate, renderSubject, renderTemplate, TemplateError } from './render.js'

const data = {
  order: { number: 'SO-10042', lines: [{ name: 'Mug <white>', quantity: 2 }, { name: 'Tee & Co', quantity: 1 }], note: null, empty: [] },
  customer: { name: 'Anna "A" Schmidt' },
  shipment: { trackingUrl: 'https://ordo.example/track/RR1?a=1&b=2' },
}

describe('notification templates', () => {
  it('fills in values, repeats lists and chooses branches', () => {
    const t = 'Order {{order.number}}:{{#each order.lines}} {{quantity}}× {{name}} ({{order.number}});{{/each}}{{#if shipment.trackingUrl}} track {{shipment.trackingUrl}}{{else}} no tracking{{/if}}{{#if order.empty}} never{{else}} none{{/if}}'
    expect(renderTemplate(t, data, 'text')).toBe('Order SO-10042: 2× Mug <white> (SO-10042); 1× Tee & Co (SO-10042); track https://ordo.example/track/RR1?a=1&b=2 none')
  })

  it('escapes every value in HTML, not the template around it', () => {
    const html = renderTemplate('<p title="{{customer.name}}">{{#each order.lines}}<b>{{name}}</b>{{/each}}</p><a href="{{shipment.trackingUrl}}">', data, 'html')
    expect(html).toBe('<p title="Anna &quot;A&quot; Schmidt"><b>Mug &lt;white&gt;</b><b>Tee &amp; Co</b></p><a href="https://ordo.example/track/RR1?a=1&amp;b=2">')
  })

  it('renders missing, null and non-scalar values as nothing, and reaches no prototype', () => {
    expect(renderTemplate('[{{order.missing}}|{{order.note}}|{{order}}|{{order.lines}}|{{constructor}}|{{order.number.length}}|{{toString}}]', data, 'text')).toBe('[||||||]')
    expect(renderTemplate('{{#each order.number}}x{{/each}}{{#each nothing}}y{{/each}}', data, 'text')).toBe('')
    expect(renderTemplate('{{#each order.lines}}{{this}}{{/each}}', { order: { lines: ['a', 'b'] } }, 'text')).toBe('ab')
  })

  it('refuses broken templates, naming the tag and where it is', () => {
    const cases: [string, RegExp][] = [
      ['Hi {{#each order.lines}}x', /never closed/],
      ['{{/if}}', /closes nothing/],
      ['{{#if a}}x{{/each}}', /\{\{\/if\}\} was expected/],
      ['{{else}}', /outside an \{\{#if\}\}/],
      ['{{#if a}}1{{else}}2{{else}}3{{/if}}', /outside an \{\{#if\}\}/],
      ['{{order.number | upper}}', /not a name/],
      ['{{#with order}}{{/with}}', /blocks are/],
      ['{{constructor.constructor("x")()}}', /not a name/],
    ]
    for (const [t, message] of cases) {
      expect(() => parseTemplate(t), t).toThrow(TemplateError)
      expect(() => parseTemplate(t), t).toThrow(message)
    }
    try {
      parseTemplate('Hello {{#if x}}')
    } catch (err) {
      expect((err as TemplateError).offset).toBe(6)
    }
  })

  it('puts a subject on one line', () => {
    expect(renderSubject('Order {{order.number}}\n  shipped {{x}}', { order: { number: 'SO-1' }, x: 'now\r\nBcc: evil@example.com' })).toBe('Order SO-1 shipped now Bcc: evil@example.com')
  })

  it('no value can inject markup into an HTML body', () => {
    fc.assert(
      fc.property(fc.string(), (value) => {
        const html = renderTemplate('<td>{{v}}</td>', { v: value }, 'html')
        const inner = html.slice(4, -5)
        expect(inner).not.toMatch(/[<>"']/)
        expect(inner).toBe(escapeHtml(value))
      }),
    )
  })

  it('text without tags comes back unchanged', () => {
    fc.assert(fc.property(fc.string().filter((s) => !s.includes('{{')), (s) => {
        expect(renderTemplate(s, {}, 'text')).toBe(s)
      }),
    )
  })
})

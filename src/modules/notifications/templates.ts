// The e-mails Ordo ships with. Each can be replaced through the API, for every channel or for one.

/** The events that send a customer e-mail (the template's name is the event's). */
export const TEMPLATE_EVENTS = [
  'order.confirmed',
  'order.backordered',
  'order.shipped',
  'shipment.out_for_delivery',
  'order.delivered',
  'return.authorized',
  'refund.issued',
  'order.cancelled',
] as const
export type TemplateEvent = (typeof TEMPLATE_EVENTS)[number]

export interface TemplateContent {
  subject: string
  text: string
  html: string
}

const GREETING_TEXT = 'Hello {{customer.name}},\n\n'
const GREETING_HTML = '<p>Hello {{customer.name}},</p>\n'

const LINES_TEXT = '{{#each order.lines}}{{quantity}} × {{name}} ({{sku}})  {{amount}}\n{{/each}}'
const TOTALS_TEXT =
  'Subtotal: {{order.totals.subtotal}}\n{{#if order.totals.hasDiscount}}Discount: -{{order.totals.discount}}\n{{/if}}Shipping: {{order.totals.shipping}}\nTax: {{order.totals.tax}}\nTotal: {{order.totals.total}}\n'
const ADDRESS_TEXT =
  'Shipping to:\n{{order.shippingAddress.name}}\n{{order.shippingAddress.line1}}\n{{#if order.shippingAddress.line2}}{{order.shippingAddress.line2}}\n{{/if}}{{order.shippingAddress.postalCode}} {{order.shippingAddress.city}}\n{{order.shippingAddress.country}}\n'
const UNITS_TEXT = (list: string) => `{{#each ${list}}}{{quantity}} × {{name}} ({{sku}})\n{{/each}}`

const cell = 'padding:4px 8px;border-bottom:1px solid #e5e5e5'
const LINES_HTML = `<table style="border-collapse:collapse;width:100%;margin:16px 0">
{{#each order.lines}}<tr><td style="${cell}">{{quantity}} ×</td><td style="${cell}">{{name}}<br><small style="color:#666">{{sku}}</small></td><td style="${cell};text-align:right">{{amount}}</td></tr>
{{/each}}<tr><td></td><td style="padding:4px 8px">Subtotal</td><td style="padding:4px 8px;text-align:right">{{order.totals.subtotal}}</td></tr>
{{#if order.totals.hasDiscount}}<tr><td></td><td style="padding:4px 8px">Discount</td><td style="padding:4px 8px;text-align:right">-{{order.totals.discount}}</td></tr>
{{/if}}<tr><td></td><td style="padding:4px 8px">Shipping</td><td style="padding:4px 8px;text-align:right">{{order.totals.shipping}}</td></tr>
<tr><td></td><td style="padding:4px 8px">Tax</td><td style="padding:4px 8px;text-align:right">{{order.totals.tax}}</td></tr>
<tr><td></td><td style="padding:4px 8px"><strong>Total</strong></td><td style="padding:4px 8px;text-align:right"><strong>{{order.totals.total}}</strong></td></tr>
</table>
`
const ADDRESS_HTML =
  '<p><strong>Shipping to</strong><br>{{order.shippingAddress.name}}<br>{{order.shippingAddress.line1}}<br>{{#if order.shippingAddress.line2}}{{order.shippingAddress.line2}}<br>{{/if}}{{order.shippingAddress.postalCode}} {{order.shippingAddress.city}}<br>{{order.shippingAddress.country}}</p>\n'
const UNITS_HTML = (list: string) => `<ul>\n{{#each ${list}}}<li>{{quantity}} × {{name}} <small style="color:#666">({{sku}})</small></li>\n{{/each}}</ul>\n`
const button = (href: string, label: string) =>
  `<p><a href="${href}" style="display:inline-block;padding:10px 16px;background:#1f6feb;color:#fff;text-decoration:none;border-radius:4px">${label}</a></p>\n`

// The customer's order page (signed link), when the self-service pages are there to serve it.
const STATUS_TEXT = '{{#if statusUrl}}\nSee your order at any time: {{statusUrl}}\n{{/if}}'
const STATUS_HTML = `{{#if statusUrl}}${button('{{statusUrl}}', 'See your order')}{{/if}}`

const page = (title: string, body: string) => `<!doctype html>
<html><head><meta charset="utf-8"><title>${title}</title></head>
<body style="margin:0;padding:24px;background:#f6f6f6;font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;font-size:15px;line-height:1.5;color:#222">
<div style="max-width:560px;margin:0 auto;background:#fff;padding:24px;border-radius:6px">
<h1 style="font-size:20px;margin:0 0 16px">${title}</h1>
${body}</div>
</body></html>
`

export const BUILT_IN_TEMPLATES: Record<TemplateEvent, TemplateContent> = {
  'order.confirmed': {
    subject: 'Order {{order.number}} confirmed',
    text: `${GREETING_TEXT}thank you for your order {{order.number}}. We have confirmed it and are getting it ready.\n\n${LINES_TEXT}\n${TOTALS_TEXT}\n${ADDRESS_TEXT}\nWe will e-mail you again when it ships.\n${STATUS_TEXT}`,
    html: page(
      'Thank you for your order {{order.number}}',
      `${GREETING_HTML}<p>We have confirmed your order and are getting it ready.</p>\n${LINES_HTML}${ADDRESS_HTML}<p>We will e-mail you again when it ships.</p>\n${STATUS_HTML}`,
    ),
  },
  'order.backordered': {
    subject: 'Order {{order.number}}: some items are delayed',
    text: `${GREETING_TEXT}some items of your order {{order.number}} are not in stock right now:\n\n${UNITS_TEXT('backordered')}\nWe have kept everything else for you and will send the delayed items as soon as they arrive. You do not need to do anything; if you would rather cancel them, reply to this e-mail.\n${STATUS_TEXT}`,
    html: page(
      'Some items of order {{order.number}} are delayed',
      `${GREETING_HTML}<p>These items are not in stock right now:</p>\n${UNITS_HTML('backordered')}<p>We have kept everything else for you and will send the delayed items as soon as they arrive. You do not need to do anything; if you would rather cancel them, reply to this e-mail.</p>\n${STATUS_HTML}`,
    ),
  },
  'order.shipped': {
    subject: 'Order {{order.number}} has shipped',
    text: `${GREETING_TEXT}your order {{order.number}} is on its way.\n\n{{#if shipment.trackingNumber}}Tracking number: {{shipment.trackingNumber}}\nFollow your parcel: {{shipment.trackingUrl}}\n\n{{/if}}In this parcel:\n${UNITS_TEXT('shipment.lines')}`,
    html: page(
      'Order {{order.number}} has shipped',
      `${GREETING_HTML}<p>Your order is on its way.</p>\n{{#if shipment.trackingNumber}}<p>Tracking number: <strong>{{shipment.trackingNumber}}</strong></p>\n${button('{{shipment.trackingUrl}}', 'Follow your parcel')}{{/if}}<p>In this parcel:</p>\n${UNITS_HTML('shipment.lines')}`,
    ),
  },
  'shipment.out_for_delivery': {
    subject: 'Order {{order.number}} is out for delivery',
    text: `${GREETING_TEXT}your parcel for order {{order.number}} is out for delivery and should reach you today.\n{{#if shipment.trackingUrl}}\nFollow it: {{shipment.trackingUrl}}\n{{/if}}`,
    html: page(
      'Your parcel is out for delivery',
      `${GREETING_HTML}<p>Your parcel for order {{order.number}} is out for delivery and should reach you today.</p>\n{{#if shipment.trackingUrl}}${button('{{shipment.trackingUrl}}', 'Follow your parcel')}{{/if}}`,
    ),
  },
  'order.delivered': {
    subject: 'Order {{order.number}} was delivered',
    text: `${GREETING_TEXT}your parcel for order {{order.number}} was delivered. We hope you enjoy it.\n\nHow did we do? Tell us in a minute: {{feedbackUrl}}\n`,
    html: page(
      'Order {{order.number}} was delivered',
      `${GREETING_HTML}<p>Your parcel was delivered. We hope you enjoy it.</p>\n<p>How did we do? It takes a minute.</p>\n${button('{{feedbackUrl}}', 'Rate your order')}`,
    ),
  },
  'return.authorized': {
    subject: 'Return {{return.number}} for order {{order.number}} is authorized',
    text: `${GREETING_TEXT}we have authorized your return {{return.number}} for order {{order.number}}.\n\n{{#if return.labelUrl}}Print your return label: {{return.labelUrl}}\n\n{{/if}}Pack the items securely, attach the label and hand the parcel to the carrier. We will let you know when it arrives.\n`,
    html: page(
      'Your return is authorized',
      `${GREETING_HTML}<p>We have authorized your return {{return.number}} for order {{order.number}}.</p>\n{{#if return.labelUrl}}${button('{{return.labelUrl}}', 'Print your return label')}{{/if}}<p>Pack the items securely, attach the label and hand the parcel to the carrier. We will let you know when it arrives.</p>\n`,
    ),
  },
  'refund.issued': {
    subject: 'Refund for order {{order.number}}',
    text: `${GREETING_TEXT}we have refunded {{refund.amount}} for your order {{order.number}} to your original payment method. Depending on your bank it can take a few days to show.\n`,
    html: page(
      'Your refund is on its way',
      `${GREETING_HTML}<p>We have refunded <strong>{{refund.amount}}</strong> for your order {{order.number}} to your original payment method. Depending on your bank it can take a few days to show.</p>\n`,
    ),
  },
  'order.cancelled': {
    subject: 'Order {{order.number}} was cancelled',
    text: `${GREETING_TEXT}your order {{order.number}} has been cancelled. If you have paid for it, the money goes back to your original payment method.\n\nQuestions? Just reply to this e-mail.\n`,
    html: page(
      'Order {{order.number}} was cancelled',
      `${GREETING_HTML}<p>Your order {{order.number}} has been cancelled. If you have paid for it, the money goes back to your original payment method.</p>\n<p>Questions? Just reply to this e-mail.</p>\n`,
    ),
  },
}

/** Every event type `templateFor` may give a template for: the only events the notifier reads. */
export const MAIL_EVENT_TYPES: readonly string[] = [...TEMPLATE_EVENTS, 'order.released', 'refund.succeeded']

/**
 * The template an event sends, if any. A held order that is released to `confirmed` gets the
 * confirmation it did not get when it was placed; a refund the payment provider confirmed
 * (`refund.succeeded`) is the refund the customer is told about.
 */
export function templateFor(e: { type: string; to: string | null }): TemplateEvent | undefined {
  if (e.type === 'order.released' && e.to === 'confirmed') return 'order.confirmed'
  if (e.type === 'refund.succeeded') return 'refund.issued'
  return (TEMPLATE_EVENTS as readonly string[]).includes(e.type) ? (e.type as TemplateEvent) : undefined
}

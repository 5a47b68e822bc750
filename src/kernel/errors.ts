/** One field that failed a check: `path` as the client sent it (`lines.0.sku`). */
export interface FieldError {
  path: string
  message: string
  code?: string
}

/**
 * The one error type services throw. The error handler turns it into RFC 9457
 * problem+json; `code` is stable and dotted (`inventory.insufficient_stock`).
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly errors?: FieldError[],
    readonly headers?: Record<string, string>,
  ) {
    super(detail)
    this.name = 'AppError'
  }
}

export const notFound = (entity: string, id: string) =>
  new AppError(404, `${entity}.not_found`, `No ${entity.replace(/_/g, ' ')} "${id}".`)

/** 422 for input that is well-formed JSON but names things that do not exist or do not fit. */
export const invalid = (code: string, detail: string, errors: FieldError[]) => new AppError(422, code, detail, errors)

export const conflict = (code: string, detail: string) => new AppError(409, code, detail)

/** Titles for the statuses Ordo answers with (problem+json `title`). */
export const STATUS_TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  428: 'Precondition Required',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
}

import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';

/** The headers of every answer (app.ts), on answers given before any route: those are never cached either. */
const refusalHeaders = { 'x-content-type-options': 'nosniff', 'x-frame-options': 'DENY', 'cache-control': 'no-store' };

/**
 * Fastify's refusals before a route runs (its `frameworkErrors`): a request target that does not decode (a malformed
 * percent-escape, a target that is not a path) or a path parameter past the router's limit. No route's code ran, so
 * nothing protected was reached: a 400 naming `url`, token or not, as it says nothing about what the target names.
 */
export function frameworkErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const message =
    error.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? 'a path parameter of the request target is too long'
      : 'the request target is not a valid path (a malformed percent-escape, or not a path)';
  request.log.info({ method: request.method, status: 400, code: error.code }, 'request refused before routing');
  return reply
    .status(400)
    .headers(refusalHeaders)
    .send({ error: { code: 'validation_failed', message, details: [{ path: 'url', message }] } });
}

/** The status and message of each refusal of Node's HTTP parser; any other is a 400. */
const parserRefusals: Record<string, [number, string]> = {
  HPE_HEADER_OVERFLOW: [431, 'the request headers are too large'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'the request did not arrive in time'],
};

/**
 * Requests Node's HTTP parser refuses (a malformed request line or header, Content-Length with Transfer-Encoding,
 * headers too large): answered in the error shape with the headers of every answer, and the connection closed (what
 * follows on it cannot be read). The raw request (`error.rawPacket`) may carry credentials: it is never logged. Writes
 * only on a socket that takes it and carries no answer already started; never throws (it runs on a socket event).
 */
export function clientErrorHandler(error: Error & { code?: string }, socket: Duplex) {
  try {
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    const [status, message] = parserRefusals[error.code ?? ''] ?? [400, 'the request is not valid HTTP/1.1'];
    const answering = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent;
    if (socket.writable && !answering) {
      const body = JSON.stringify({ error: { code: 'validation_failed', message, details: [{ path: 'request', message }] } });
      const headers = Object.entries(refusalHeaders).map(([name, value]) => `${name}: ${value}\r\n`);
      socket.write(
        `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\ncontent-type: application/json; charset=utf-8\r\n` +
          `content-length: ${Buffer.byteLength(body)}\r\n${headers.join('')}connection: close\r\n\r\n${body}`,
      );
    }
    socket.destroy();
  } catch {
    // the socket is gone: nothing to answer
  }
}

/**
 * HTML pages a gateway in front of Flowhub could answer with instead of JSON (assumed: no public source shows one),
 * sent by the `forbiddenHtml` fault, the `serverError` fault with the `gatewayHtmlPages` switch and the `forbiddenAsHtml` switch: clients must check the
 * status before parsing.
 */

/** An nginx-style 403 page. */
export const FORBIDDEN_HTML = `<html>
<head><title>403 Forbidden</title></head>
<body>
<center><h1>403 Forbidden</h1></center>
<hr><center>nginx</center>
</body>
</html>
`;

/** Reason phrases of the 5xx statuses the `serverError` fault sends. */
export const GATEWAY_MESSAGES: Record<number, string> = {
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** The page the `serverError` fault sends for 502 to 504 with the `gatewayHtmlPages` switch on. */
export function gatewayErrorHtml(status: number): string {
  const title = { 502: 'Bad Gateway', 503: 'Service Temporarily Unavailable', 504: 'Gateway Time-out' }[status] ?? 'Error';
  return FORBIDDEN_HTML.replace(/403 Forbidden/g, `${status} ${title}`);
}

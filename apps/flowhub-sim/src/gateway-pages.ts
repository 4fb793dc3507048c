/**
 * HTML pages a gateway in front of Flowhub could answer with instead of JSON (assumed: no public source shows one),
 * sent by the `forbiddenHtml` and `serverError` faults and the `forbiddenAsHtml` switch: clients must check the
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

export function gatewayErrorHtml(status: number): string {
  const title = { 502: 'Bad Gateway', 503: 'Service Temporarily Unavailable', 504: 'Gateway Time-out' }[status] ?? 'Error';
  return FORBIDDEN_HTML.replace(/403 Forbidden/g, `${status} ${title}`);
}

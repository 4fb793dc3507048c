/** The HTML pages Flowhub's gateway answers with instead of JSON: clients must check the status before parsing. */

/** What Flowhub's gateway answers to a wrong key: an HTML page, not JSON. */
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

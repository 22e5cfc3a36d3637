/**
 * GeoReport v2's XML form of the same values the JSON endpoints return. The specification names one element per
 * field and wraps lists in a plural element whose items have a singular name (services/service,
 * service_requests/request, errors/error, attributes/attribute, values/value, endpoints/endpoint, formats/format).
 */

export type XmlValue = string | number | boolean | null | undefined | XmlValue[] | { [name: string]: XmlValue };

/** The item element for each list element; a list under any other name is a bug in the caller. */
const ITEM: Record<string, string> = {
  services: 'service',
  service_requests: 'request',
  service_request_updates: 'request_update',
  errors: 'error',
  attributes: 'attribute',
  values: 'value',
  endpoints: 'endpoint',
  formats: 'format',
};

// XML 1.0 forbids most control characters even when escaped; they are dropped rather than sent broken.
// eslint-disable-next-line no-control-regex
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

export function escapeXml(text: string): string {
  return text.replace(NOT_XML, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

function element(name: string, value: XmlValue): string {
  if (value === undefined) return '';
  if (value === null || value === '') return `<${name}/>`;
  if (Array.isArray(value)) {
    const item = ITEM[name];
    if (!item) throw new Error(`open311-xml: no item element is known for the list <${name}>`);
    return value.length ? `<${name}>${value.map((v) => element(item, v)).join('')}</${name}>` : `<${name}/>`;
  }
  if (typeof value === 'object') {
    return `<${name}>${Object.entries(value).map(([k, v]) => element(k, v)).join('')}</${name}>`;
  }
  return `<${name}>${escapeXml(String(value))}</${name}>`;
}

/** A whole document: `<?xml ...?>` and one root element. */
export function renderXml(root: string, value: XmlValue): string {
  return `<?xml version="1.0" encoding="utf-8"?>\n${element(root, value)}\n`;
}

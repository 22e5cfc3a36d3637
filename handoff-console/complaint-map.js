// @ts-check
// A complaint's evidence: its photos (through the staff session) and its shared location on a map.
// No map tiles are fetched: the map draws the municipality's bounds and the pin on a plain background, and a
// link opens the coordinates in a full map for whoever has the network for it.
import * as L from '/console/vendor/leaflet/leaflet-src.esm.js';
import { h } from './dom.js';
import { t } from './i18n.js';

/** Thumbnails of the complaint's photos; each opens full size in a new tab (still behind the session). */
export function photoStrip(complaint) {
  if (!complaint.photos?.length) return h('span', { class: 'muted' }, t('complaint.noPhotos'));
  return h('div', { class: 'photos', id: 'photos' }, complaint.photos.map((id, i) => {
    const src = `/console/api/complaints/${encodeURIComponent(complaint.code)}/photos/${encodeURIComponent(id)}`;
    return h('a', { href: src, target: '_blank', rel: 'noopener' }, h('img', { src, class: 'thumb', alt: t('complaint.photo', { n: i + 1 }), loading: 'lazy' }));
  }));
}

/** The map and the coordinates link for a complaint shared as {lat, lon}; undefined for a typed address. */
export function locationMap(complaint, bounds) {
  const loc = complaint.location;
  if (!loc || typeof loc.lat !== 'number' || typeof loc.lon !== 'number') return undefined;
  const coords = `${loc.lat.toFixed(5)}, ${loc.lon.toFixed(5)}`;
  const link = `https://www.openstreetmap.org/?mlat=${loc.lat}&mlon=${loc.lon}#map=17/${loc.lat}/${loc.lon}`;
  const el = h('div', { class: 'map', id: 'map', role: 'img', 'aria-label': t('complaint.mapLabel', { coords }) });
  const box = h('div', { class: 'map-box' }, el,
    h('p', {}, h('span', { dir: 'ltr', id: 'coords' }, coords), ' · ', h('a', { href: link, target: '_blank', rel: 'noopener noreferrer', id: 'open-map' }, t('complaint.openMap'))));
  // Leaflet measures its container: draw once the element is in the page.
  requestAnimationFrame(() => {
    const map = L.map(el, { attributionControl: false, zoomSnap: 0.25 });
    const area = bounds ? L.latLngBounds([bounds.south, bounds.west], [bounds.north, bounds.east]) : null;
    if (area) L.rectangle(area, { color: '#0b6e4f', weight: 2, fillColor: '#0b6e4f', fillOpacity: 0.06, interactive: false }).addTo(map);
    const pin = L.latLng(loc.lat, loc.lon);
    L.circleMarker(pin, { radius: 9, color: '#b42318', weight: 3, fillColor: '#f04438', fillOpacity: 0.9 }).addTo(map);
    map.fitBounds(area ? area.extend(pin) : L.latLngBounds([pin, pin]).pad(0.01), { padding: [16, 16] });
    el.dataset.ready = '1';
  });
  return box;
}

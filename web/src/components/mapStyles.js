// mapStyles.js - what every map of the app shares: our GeoJSON's polygons (no tile layer),
// their style, and the dot of a reported point. Plain functions for Leaflet's options; the
// glue is in the pages that draw (network's MapPage, cases' CaseMap and PlacePicker).

// Soft fills that tell neighbours apart; the outline stays the party red.
export const FILLS = ['#ffcdd2', '#ffe0b2', '#fff9c4', '#c8e6c9', '#bbdefb', '#e1bee7', '#d7ccc8'];

export function polygonStyle(index) {
  return {
    color: '#b71c1c',
    weight: 2,
    opacity: 0.9,
    fillColor: FILLS[index % FILLS.length],
    fillOpacity: 0.65,
    className: 'gr-area',
  };
}

// A point someone reported (a tap on the map, or a case's place): a red dot, not clickable.
export function pointStyle() {
  return {
    radius: 10, color: '#fff', weight: 3, fillColor: '#b71c1c', fillOpacity: 1, className: 'gr-point',
    interactive: false,
  };
}

// Normalise what the API gives (a FeatureCollection or one Feature) to a feature list,
// keeping those with a polygon geometry.
export function polygonFeatures(geo) {
  if (!geo) return [];
  const list = geo.type === 'FeatureCollection' ? geo.features || [] : [geo];
  return list.filter(
    (f) => f && f.geometry && (f.geometry.type === 'Polygon' || f.geometry.type === 'MultiPolygon'),
  );
}

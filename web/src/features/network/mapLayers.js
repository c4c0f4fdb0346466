// mapLayers.js - what the map of a node draws: which level below it, and the style of
// each polygon. Plain functions; the Leaflet glue is in MapPage.vue.

const NEXT = { city: 'district', district: 'street', street: 'community', community: 'grid' };

// The level whose polygons the map of a node shows: grids for a community, the next level
// down above that; a grid shows itself (with its buildings as points).
export function mapLevel(level) {
  return NEXT[level] || (level === 'grid' ? 'grid' : null);
}

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

// A building with known coordinates: a dot, green with a leader, red without (a gap).
export function buildingStyle(building) {
  const colour = building.has_leader ? '#2e7d32' : '#c62828';
  return {
    radius: 9,
    color: '#ffffff',
    weight: 2,
    fillColor: colour,
    fillOpacity: 0.95,
    className: 'gr-building',
  };
}

// Buildings that can be drawn: those with a latitude and a longitude.
export function placedBuildings(buildings) {
  return (buildings || []).filter((b) => Number.isFinite(b.lat) && Number.isFinite(b.lon));
}

export const HOVER_STYLE = { weight: 4, fillOpacity: 0.85 };

// Labels are permanent tooltips; past this many they would cover the map.
export const MAX_LABELS = 300;

// Normalise what the API gives (a FeatureCollection or one Feature) to a feature list,
// keeping those with a polygon geometry.
export function polygonFeatures(geo) {
  if (!geo) return [];
  const list = geo.type === 'FeatureCollection' ? geo.features || [] : [geo];
  return list.filter(
    (f) => f && f.geometry && (f.geometry.type === 'Polygon' || f.geometry.type === 'MultiPolygon'),
  );
}

// The node id of a feature: properties.id, else the feature id.
export function featureNodeId(f) {
  const p = f.properties || {};
  return p.id ?? f.id ?? null;
}

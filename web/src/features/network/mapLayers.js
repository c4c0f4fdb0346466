// mapLayers.js - what the map of a node draws: which level below it, its buildings and their
// style (the polygons' style is shared: components/mapStyles.js). Plain functions; the
// Leaflet glue is in MapPage.vue.

const NEXT = { city: 'district', district: 'street', street: 'community', community: 'grid' };

// The level whose polygons the map of a node shows: grids for a community, the next level
// down above that; a grid shows itself (with its buildings as points).
export function mapLevel(level) {
  return NEXT[level] || (level === 'grid' ? 'grid' : null);
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

// The node id of a feature: properties.id, else the feature id.
export function featureNodeId(f) {
  const p = f.properties || {};
  return p.id ?? f.id ?? null;
}

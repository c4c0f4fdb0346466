// router.js - the pages and the hash history (the server serves only /, so the route
// lives after #). Pages other than login need a session.
import { createRouter, createWebHashHistory } from 'vue-router';
import LoginPage from './features/session/LoginPage.vue';
import TreePage from './features/network/TreePage.vue';
import { session, restoreSession } from './features/session/session.js';

const routes = [
  { path: '/login', name: 'login', component: LoginPage, meta: { public: true } },
  { path: '/', name: 'home', component: TreePage },
  { path: '/nodes/:id(\\d+)', name: 'node', component: () => import('./features/network/NodePage.vue') },
  { path: '/nodes/:id(\\d+)/map', name: 'map', component: () => import('./features/network/MapPage.vue') },
  { path: '/buildings/:id(\\d+)', name: 'building', component: () => import('./features/network/BuildingPage.vue') },
  { path: '/units/:id(\\d+)', name: 'unit', component: () => import('./features/network/UnitPage.vue') },
  { path: '/households/:id(\\d+)', name: 'household', component: () => import('./features/network/HouseholdPage.vue') },
  { path: '/topics', name: 'topics', component: () => import('./features/consult/TopicListPage.vue') },
  { path: '/topics/new', name: 'topic-new', component: () => import('./features/consult/TopicNewPage.vue') },
  { path: '/topics/:id(\\d+)', name: 'topic', component: () => import('./features/consult/TopicPage.vue') },
  { path: '/report', name: 'case-new', component: () => import('./features/cases/ReportPage.vue') },
  { path: '/cases/mine', name: 'my-cases', component: () => import('./features/cases/MyCasesPage.vue') },
  { path: '/cases/:id(\\d+)', name: 'case', component: () => import('./features/cases/CasePage.vue') },
  { path: '/inbox', name: 'inbox', component: () => import('./features/cases/InboxPage.vue') },
  { path: '/matters', name: 'matters', component: () => import('./features/cases/MattersPage.vue') },
  { path: '/matters/edit', name: 'matter-editor', component: () => import('./features/cases/MatterEditorPage.vue') },
  { path: '/figures', name: 'figures', component: () => import('./features/cases/FiguresPage.vue') },
  { path: '/:rest(.*)*', name: 'not-found', component: () => import('./components/NotFoundPage.vue'), meta: { public: true } },
];

export const router = createRouter({
  history: createWebHashHistory(),
  routes,
  scrollBehavior: (to, from, saved) => saved || { top: 0 },
});

router.beforeEach(async (to) => {
  await restoreSession();
  if (!to.meta.public && !session.user) {
    return { name: 'login', query: to.fullPath !== '/' ? { next: to.fullPath } : {} };
  }
  if (to.name === 'login' && session.user) return { name: 'home' };
  return true;
});

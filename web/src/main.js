// main.js - start the app: styles, router, and what happens when the session expires.
import { createApp } from 'vue';
import App from './App.vue';
import { router } from './router.js';
import { setUnauthenticatedHandler } from './api/client.js';
import { sessionExpired } from './features/session/session.js';
import './styles/main.css';

setUnauthenticatedHandler(() => {
  sessionExpired();
  const here = router.currentRoute.value;
  if (here.name !== 'login') router.replace({ name: 'login', query: { next: here.fullPath } });
});

createApp(App).use(router).mount('#app');

import { createApp } from 'vue';
import App from './App.vue';
import { router } from './router';
import { whenExpired, whenPasswordChangeRequired } from './api/session';
import { forgetDirectory } from './composables/directory';
import './styles.css';

// A token the API no longer accepts (expired, revoked, account disabled): sign in again, then
// come back to the page the person was on.
whenExpired(() => {
  forgetDirectory();
  const here = router.currentRoute.value;
  if (here.name === 'signin') return;
  void router.replace({ name: 'signin', query: { next: here.fullPath, expired: '1' } });
});

// A session that must change its password first (an initial password, or one too old): the
// change-password page, and nothing else until it is changed.
whenPasswordChangeRequired(() => {
  const here = router.currentRoute.value;
  if (here.name === 'password' || here.name === 'signin') return;
  void router.replace({ name: 'password', query: { next: here.fullPath } });
});

createApp(App).use(router).mount('#app');

import { createApp } from 'vue';
import App from './App.vue';
import { router } from './router';
import { whenExpired } from './api/session';
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

createApp(App).use(router).mount('#app');

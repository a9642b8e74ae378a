import { showToast } from 'vant';
import 'vant/es/toast/style';
import { createApp } from 'vue';
import { configureHttp } from '../shared/http';
import { inWeCom, session } from '../shared/session';
import App from './App.vue';
import { reauthoriseInWeCom, router } from './router';
import './mobile.css';

configureHttp({
  notify: { error: (message) => showToast({ message, wordBreak: 'break-word' }) },
  onUnauthenticated: () => {
    session.me = null;
    const here = router.currentRoute.value;
    if (inWeCom()) reauthoriseInWeCom(`/m${here.fullPath}`);
    else if (here.name !== 'login') void router.replace({ name: 'login', query: { redirect: `/m${here.fullPath}` } });
  },
});

createApp(App).use(router).mount('#app');

import { ElMessage } from 'element-plus';
import 'element-plus/es/components/message/style/css';
import { createApp } from 'vue';
import { configureHttp } from '../shared/http';
import { session } from '../shared/session';
import App from './App.vue';
import { router } from './router';
import './console.css';

configureHttp({
  notify: { error: (message) => void ElMessage({ type: 'error', message, grouping: true, showClose: true }) },
  onUnauthenticated: () => {
    session.me = null;
    const here = router.currentRoute.value;
    if (here.name !== 'login') void router.replace({ name: 'login', query: { redirect: `/console${here.fullPath}` } });
  },
});

createApp(App).use(router).mount('#app');

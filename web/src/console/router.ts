// The console's routes (/console/…): the login page, then the layout with one page per menu entry.
import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router';
import { loadMe, session, type Permission } from '../shared/session';
import Layout from './Layout.vue';
import LoginPage from './LoginPage.vue';
import { MENU, menuFor } from './menu';

declare module 'vue-router' {
  interface RouteMeta {
    public?: boolean;
    /** The permission GET /me must list to open the page. */
    permission?: Permission;
    title?: string;
  }
}

const PAGES: Record<string, () => Promise<unknown>> = {
  approvals: () => import('./pages/ApprovalsPage.vue'),
  issuance: () => import('./pages/IssuancePage.vue'),
  receipts: () => import('./pages/ReceiptsPage.vue'),
  'print-plans': () => import('./pages/PrintPlansPage.vue'),
  units: () => import('./pages/UnitsPage.vue'),
  users: () => import('./pages/UsersPage.vue'),
  reports: () => import('./pages/ReportsPage.vue'),
  kb: () => import('./pages/KbPage.vue'),
  announcements: () => import('./pages/AnnouncementsPage.vue'),
  sla: () => import('./pages/SlaPage.vue'),
  audit: () => import('./pages/AuditPage.vue'),
};

export const routes: RouteRecordRaw[] = [
  { path: '/login', name: 'login', component: LoginPage, meta: { public: true, title: '登录' } },
  {
    path: '/',
    component: Layout,
    children: [
      // Sent on by the guard to the first permitted page once the session is known.
      { path: '', name: 'home', component: { render: () => null } },
      ...MENU.map((m) => ({ path: m.path, name: m.name, component: PAGES[m.name], meta: { permission: m.permission, title: m.title } })),
      { path: 'no-access', name: 'no-access', component: () => import('./NoAccessPage.vue'), meta: { title: '无权访问' } },
      { path: ':rest(.*)*', name: 'not-found', component: () => import('./NotFoundPage.vue'), meta: { title: '页面不存在' } },
    ],
  },
];

/** The first permitted menu entry: 待办审批 for the desk. */
export function homeFor(permissions: readonly Permission[] | undefined): string {
  return menuFor(permissions)[0]?.name ?? 'no-access';
}

export const router = createRouter({ history: createWebHistory('/console/'), routes });

router.beforeEach(async (to) => {
  if (!session.loaded) await loadMe();
  if (to.meta.public) return session.me && to.name === 'login' ? { name: 'home' } : true;
  if (!session.me) return { name: 'login', query: { redirect: `/console${to.fullPath}` } };
  if (to.name === 'home') return { name: homeFor(session.me.permissions), replace: true };
  if (to.meta.permission && !session.me.permissions.includes(to.meta.permission)) return { name: 'no-access' };
  return true;
});

router.afterEach((to) => {
  document.title = to.meta.title ? `${to.meta.title} · 财政票据服务台` : '财政票据服务台';
});

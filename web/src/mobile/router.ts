// The mobile entry's routes (/m/…). Named routes, so cards and pages link by name; each tab belongs to
// the roles that see it (the tab bar in App.vue reads the same table). The pages themselves live in
// pages/ and load on first visit, so the first screen carries only its own page.
import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router';
import { inWeCom, loadMe, session, type Role } from '../shared/session';
import LoginPage from './LoginPage.vue';

declare module 'vue-router' {
  interface RouteMeta {
    /** Reachable without a session (the login page). */
    public?: boolean;
    /** Roles that may open the page; absent = every signed-in role. */
    roles?: Role[];
    /** Page title in the nav bar and the document title. */
    title?: string;
    /** Show the tab bar (list pages); detail and form pages hide it. */
    tabbar?: boolean;
  }
}

const ENGINEER: Role[] = ['engineer', 'admin', 'operator'];
const UNIT: Role[] = ['unit_staff'];
const LEADER: Role[] = ['leader', 'admin'];

export const routes: RouteRecordRaw[] = [
  { path: '/login', name: 'login', component: LoginPage, meta: { public: true, title: '登录' } },
  // Sent on by the guard to the role's first screen once the session is known.
  { path: '/', name: 'home', component: { render: () => null } },
  // Engineer (and the desk): 工单 · 来电 · 巡检/培训 · 我的. Unit staff see their own tickets under 工单.
  { path: '/tickets', name: 'tickets', component: () => import('./pages/TicketsPage.vue'), meta: { title: '工单', tabbar: true } },
  { path: '/tickets/:id(\\d+)', name: 'ticket', component: () => import('./pages/TicketDetailPage.vue'), meta: { title: '工单详情' } },
  {
    path: '/calls',
    name: 'calls',
    component: () => import('./pages/CallsPage.vue'),
    meta: { title: '来电记录', tabbar: true, roles: ENGINEER },
  },
  {
    path: '/calls/new',
    name: 'call-new',
    component: () => import('./pages/CallNewPage.vue'),
    meta: { title: '登记来电', roles: ENGINEER },
  },
  {
    path: '/field',
    name: 'field',
    component: () => import('./pages/FieldPage.vue'),
    meta: { title: '巡检/培训', tabbar: true, roles: ENGINEER },
  },
  { path: '/me', name: 'me', component: () => import('./pages/MePage.vue'), meta: { title: '我的', tabbar: true } },
  // Unit staff: 库存 · 申领 · 核销 · 工单.
  { path: '/stock', name: 'stock', component: () => import('./pages/StockPage.vue'), meta: { title: '库存', tabbar: true, roles: UNIT } },
  {
    path: '/applications',
    name: 'applications',
    component: () => import('./pages/ApplicationsPage.vue'),
    meta: { title: '申领', tabbar: true, roles: UNIT },
  },
  {
    path: '/applications/new',
    name: 'application-new',
    component: () => import('./pages/ApplicationNewPage.vue'),
    meta: { title: '新建申领', roles: UNIT },
  },
  {
    path: '/applications/:id(\\d+)',
    name: 'application',
    component: () => import('./pages/ApplicationDetailPage.vue'),
    meta: { title: '申领详情' },
  },
  {
    path: '/writeoffs',
    name: 'writeoffs',
    component: () => import('./pages/WriteoffsPage.vue'),
    meta: { title: '核销', tabbar: true, roles: UNIT },
  },
  {
    path: '/writeoffs/new',
    name: 'writeoff-new',
    component: () => import('./pages/WriteoffNewPage.vue'),
    meta: { title: '核销报告', roles: UNIT },
  },
  {
    path: '/writeoffs/:id(\\d+)',
    name: 'writeoff',
    component: () => import('./pages/WriteoffDetailPage.vue'),
    meta: { title: '核销详情' },
  },
  // Leaders: 概览 · 周报.
  {
    path: '/dashboard',
    name: 'dashboard',
    component: () => import('./pages/DashboardPage.vue'),
    meta: { title: '概览', tabbar: true, roles: LEADER },
  },
  {
    path: '/summaries',
    name: 'summaries',
    component: () => import('./pages/SummariesPage.vue'),
    meta: { title: '周报', tabbar: true, roles: LEADER },
  },
  { path: '/:rest(.*)*', name: 'not-found', component: () => import('./NotFoundPage.vue'), meta: { title: '页面不存在' } },
];

/** The first screen of each role: the page that person needs most (web.md). */
export function homeFor(role: Role | undefined): string {
  switch (role) {
    case 'unit_staff':
      return 'stock';
    case 'leader':
      return 'dashboard';
    case 'engineer':
    case 'operator':
    case 'admin':
      return 'tickets';
    default:
      return 'login';
  }
}

export interface Tab {
  name: string;
  title: string;
  icon: string;
}

/** The tab bar of each role. */
export function tabsFor(role: Role | undefined): Tab[] {
  switch (role) {
    case 'unit_staff':
      return [
        { name: 'stock', title: '库存', icon: 'bag-o' },
        { name: 'applications', title: '申领', icon: 'records-o' },
        { name: 'writeoffs', title: '核销', icon: 'passed' },
        { name: 'tickets', title: '工单', icon: 'service-o' },
      ];
    case 'leader':
      return [
        { name: 'dashboard', title: '概览', icon: 'chart-trending-o' },
        { name: 'summaries', title: '周报', icon: 'description-o' },
        { name: 'me', title: '我的', icon: 'user-o' },
      ];
    case undefined:
      return [];
    default:
      return [
        { name: 'tickets', title: '工单', icon: 'orders-o' },
        { name: 'calls', title: '来电', icon: 'phone-o' },
        { name: 'field', title: '巡检/培训', icon: 'calendar-o' },
        { name: 'me', title: '我的', icon: 'user-o' },
      ];
  }
}

/** Inside WeCom a lost session is re-authorised by the server (a full-page redirect through WeCom). */
export function reauthoriseInWeCom(path: string): void {
  window.location.replace(`/m/auth/wecom?next=${encodeURIComponent(path)}`);
}

export const router = createRouter({ history: createWebHistory('/m/'), routes });

router.beforeEach(async (to) => {
  if (!session.loaded) await loadMe();
  if (to.meta.public) {
    // Already signed in: the login page has nothing to do.
    return session.me && to.name === 'login' ? { name: homeFor(session.me.user.role) } : true;
  }
  if (!session.me) {
    if (inWeCom()) {
      reauthoriseInWeCom(`/m${to.fullPath}`);
      return false;
    }
    return { name: 'login', query: { redirect: `/m${to.fullPath}` } };
  }
  if (to.name === 'home') return { name: homeFor(session.me.user.role), replace: true };
  if (to.meta.roles && !to.meta.roles.includes(session.me.user.role)) return { name: homeFor(session.me.user.role) };
  return true;
});

router.afterEach((to) => {
  document.title = to.meta.title ? `${to.meta.title} · 票据服务台` : '票据服务台';
});

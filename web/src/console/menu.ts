// The console's left menu (RuoYi style): each entry shows only when GET /me lists its permission.
// The server checks every call again; the menu only spares the desk pages they cannot use.
import type { Component } from 'vue';
import type { Permission } from '../shared/session';
import {
  Bell,
  Box,
  Calendar,
  Checked,
  Collection,
  DataAnalysis,
  Document,
  Files,
  OfficeBuilding,
  Printer,
  User,
} from '@element-plus/icons-vue';

export interface MenuItem {
  name: string;
  path: string;
  title: string;
  permission: Permission;
  icon: Component;
}

export const MENU: MenuItem[] = [
  { name: 'approvals', path: 'approvals', title: '待办审批', permission: 'application.approve', icon: Checked },
  { name: 'issuance', path: 'issuance', title: '发放', permission: 'application.issue', icon: Box },
  { name: 'receipts', path: 'receipts', title: '入库', permission: 'receipt.read', icon: Files },
  { name: 'print-plans', path: 'print-plans', title: '印制计划', permission: 'print.plan.read', icon: Printer },
  { name: 'units', path: 'units', title: '单位与限量', permission: 'catalog.edit', icon: OfficeBuilding },
  { name: 'users', path: 'users', title: '用户与权限', permission: 'user.read', icon: User },
  { name: 'reports', path: 'reports', title: '报表', permission: 'report.read.bureau', icon: DataAnalysis },
  { name: 'kb', path: 'kb', title: '知识库', permission: 'kb.read', icon: Collection },
  { name: 'announcements', path: 'announcements', title: '公告', permission: 'desk.record.write', icon: Bell },
  { name: 'sla', path: 'sla', title: 'SLA 日历', permission: 'desk.settings.read', icon: Calendar },
  { name: 'audit', path: 'audit', title: '审计日志', permission: 'audit.read', icon: Document },
];

export function menuFor(permissions: readonly Permission[] | undefined): MenuItem[] {
  return MENU.filter((m) => permissions?.includes(m.permission));
}

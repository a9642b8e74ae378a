import { z } from 'zod';
import { ROLES } from './actor';

export const unitCodeSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9_-]{1,32}$/, '单位编码只能包含字母、数字、下划线和连字符（1-32 位）');

export const passwordSchema = z
  .string()
  .min(8, '密码至少 8 位')
  .max(128, '密码最长 128 位')
  .refine((p) => /[A-Za-z]/.test(p) && /\d/.test(p), '密码须同时包含字母和数字');

export const loginSchema = z.object({
  username: z.string().trim().min(1, '请输入用户名').max(64),
  password: z.string().min(1, '请输入密码').max(128),
});
export type LoginInput = z.infer<typeof loginSchema>;

export const createUserSchema = z
  .object({
    username: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9_.@-]{3,64}$/, '用户名为 3-64 位字母、数字或 _ . @ -'),
    name: z.string().trim().min(1, '请填写姓名').max(64),
    role: z.enum(ROLES),
    unitCode: unitCodeSchema.optional(),
    wecomUserId: z.string().trim().min(1).max(64).optional(),
    phone: z.string().trim().max(32).optional(),
    password: passwordSchema.optional(),
  })
  .strict()
  .superRefine((u, ctx) => {
    if (u.role === 'unit_staff' && !u.unitCode) {
      ctx.addIssue({ code: 'custom', path: ['unitCode'], message: '单位人员必须指定所属单位' });
    }
    if (u.role !== 'unit_staff' && u.unitCode) {
      ctx.addIssue({ code: 'custom', path: ['unitCode'], message: '只有单位人员可以指定所属单位' });
    }
    if (!u.password && !u.wecomUserId) {
      ctx.addIssue({ code: 'custom', path: ['password'], message: '请设置密码或企业微信账号，至少其一' });
    }
  });
export type CreateUserInput = z.infer<typeof createUserSchema>;

export const listUsersSchema = z.object({
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
  role: z.enum(ROLES).optional(),
  unitCode: unitCodeSchema.optional(),
});

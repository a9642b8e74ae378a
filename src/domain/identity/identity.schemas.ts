import { z } from 'zod';
import { ROLES } from './actor';
import { passwordProblem } from './password-policy';

export const unitCodeSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9_-]{1,32}$/, '单位编码只能包含字母、数字、下划线和连字符（1-32 位）');

/** A new password: the policy of password-policy.ts (the username check needs the username: see the schemas below). */
export const passwordSchema = z.string().superRefine((p, ctx) => {
  const problem = passwordProblem(p);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

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
    if (u.password && !passwordProblem(u.password) && passwordProblem(u.password, u.username)) {
      ctx.addIssue({ code: 'custom', path: ['password'], message: passwordProblem(u.password, u.username)! });
    }
  });
export type CreateUserInput = z.infer<typeof createUserSchema>;

export const listUsersSchema = z.object({
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
  role: z.enum(ROLES).optional(),
  unitCode: unitCodeSchema.optional(),
});

/** PATCH /users/:id (系统管理): what an admin may change; null clears the unit or the WeCom id. */
export const updateUserSchema = z
  .object({
    name: z.string().trim().min(1, '请填写姓名').max(64).optional(),
    role: z.enum(ROLES).optional(),
    unitCode: unitCodeSchema.nullable().optional(),
    wecomUserId: z.string().trim().min(1).max(64).nullable().optional(),
    phone: z.string().trim().max(32).nullable().optional(),
    active: z.boolean().optional(),
  })
  .strict()
  .refine((u) => Object.keys(u).length > 0, { message: '请至少修改一项', path: ['name'] });
export type UpdateUserInput = z.infer<typeof updateUserSchema>;

/** POST /auth/change-password: one's own password. */
export const changePasswordSchema = z
  .object({ oldPassword: z.string().min(1, '请输入原密码').max(128), newPassword: passwordSchema })
  .strict();
export type ChangePasswordInput = z.infer<typeof changePasswordSchema>;

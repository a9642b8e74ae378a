import type { OnboardingStatus } from '../catalog/unit.entity';

/** A demo 用票单位 with what it uses per quarter and its staff member (WeCom id = username). */
export interface DemoUnit {
  code: string;
  name: string;
  supervisor: string;
  /** 统一社会信用代码 type: 11 机关, 12 事业单位, 51 社会团体. */
  kind: '11' | '12' | '51';
  district: boolean;
  status: OnboardingStatus;
  /** Bill type code → numbers used per quarter. */
  uses: Record<string, number>;
  staff?: { username: string; name: string };
}

/** 行政区划代码 of the demo city and of its district (pattern-valid, used in credit codes). */
export const CITY_REGION = '370900';
export const DISTRICT_REGION = '370902';

const WJW = '市卫生健康委员会';
const JYJ = '市教育局';

/** About thirty units of a prefecture-level city and one of its districts. */
export const DEMO_UNITS: DemoUnit[] = [
  { code: '105001', name: '市第一人民医院', supervisor: WJW, kind: '12', district: false, status: 'online', uses: { YL01: 9000, YL01E: 60000, FS01: 600 }, staff: { username: 'wangfang', name: '王芳' } },
  { code: '105002', name: '市中医院', supervisor: WJW, kind: '12', district: false, status: 'online', uses: { YL01: 5000, YL01E: 30000 }, staff: { username: 'liuyang', name: '刘洋' } },
  { code: '105003', name: '市妇幼保健院', supervisor: WJW, kind: '12', district: false, status: 'online', uses: { YL01: 3000, YL01E: 20000 }, staff: { username: 'zhangwei', name: '张伟' } },
  { code: '105004', name: '市疾病预防控制中心', supervisor: WJW, kind: '12', district: false, status: 'online', uses: { FS01: 800, JS01: 300 }, staff: { username: 'lina', name: '李娜' } },
  { code: '105005', name: '市第二人民医院', supervisor: WJW, kind: '12', district: false, status: 'trial', uses: { YL01: 4000 }, staff: { username: 'chenjie', name: '陈杰' } },
  { code: '104001', name: '市第一中学', supervisor: JYJ, kind: '12', district: false, status: 'online', uses: { FS01: 1500, JS01: 400 }, staff: { username: 'yangli', name: '杨丽' } },
  { code: '104002', name: '市第二中学', supervisor: JYJ, kind: '12', district: false, status: 'online', uses: { FS01: 1200, JS01: 300 }, staff: { username: 'zhaomin', name: '赵敏' } },
  { code: '104003', name: '市实验小学', supervisor: JYJ, kind: '12', district: false, status: 'online', uses: { FS01: 900, JS01: 200 }, staff: { username: 'huangqiang', name: '黄强' } },
  { code: '104004', name: '市职业技术学院', supervisor: JYJ, kind: '12', district: false, status: 'online', uses: { FS01: 2500, FS02: 1500, JS01: 500 }, staff: { username: 'zhoujing', name: '周静' } },
  { code: '104005', name: '市特殊教育学校', supervisor: JYJ, kind: '12', district: false, status: 'trial', uses: { JS01: 100 }, staff: { username: 'wuhao', name: '吴浩' } },
  { code: '108001', name: '市自然资源局', supervisor: '市人民政府', kind: '11', district: false, status: 'online', uses: { FS03: 1200, FS01: 300 }, staff: { username: 'xulei', name: '徐磊' } },
  { code: '108002', name: '市不动产登记中心', supervisor: '市自然资源局', kind: '12', district: false, status: 'online', uses: { FS01: 3000, FS03: 800 }, staff: { username: 'sunli', name: '孙丽' } },
  { code: '109001', name: '市市场监督管理局', supervisor: '市人民政府', kind: '11', district: false, status: 'online', uses: { FS03: 900, FS01E: 8000 }, staff: { username: 'maqian', name: '马倩' } },
  { code: '109002', name: '市检验检测中心', supervisor: '市市场监督管理局', kind: '12', district: false, status: 'online', uses: { FS01: 700, JS01: 200 }, staff: { username: 'zhuyan', name: '朱艳' } },
  { code: '110001', name: '市公安局交通警察支队', supervisor: '市公安局', kind: '11', district: false, status: 'online', uses: { FS03: 4000, FS01E: 20000 }, staff: { username: 'hujun', name: '胡军' } },
  { code: '111001', name: '市住房公积金管理中心', supervisor: '市人民政府', kind: '12', district: false, status: 'online', uses: { JS01: 1500 }, staff: { username: 'guoxin', name: '郭鑫' } },
  { code: '111002', name: '市住房和城乡建设局', supervisor: '市人民政府', kind: '11', district: false, status: 'online', uses: { FS01: 500, FS03: 600 }, staff: { username: 'hejing', name: '何静' } },
  { code: '112001', name: '市人才交流中心', supervisor: '市人力资源和社会保障局', kind: '12', district: false, status: 'online', uses: { FS01: 400, JS01: 300 }, staff: { username: 'gaofeng', name: '高峰' } },
  { code: '113001', name: '市律师协会', supervisor: '市司法局', kind: '51', district: false, status: 'online', uses: { HF01: 300 }, staff: { username: 'linxia', name: '林霞' } },
  { code: '113002', name: '市公证处', supervisor: '市司法局', kind: '12', district: false, status: 'online', uses: { FS01: 800 }, staff: { username: 'luobin', name: '罗斌' } },
  { code: '114001', name: '市红十字会', supervisor: '市人民政府', kind: '51', district: false, status: 'online', uses: { JZ01: 600, JZ01E: 3000 }, staff: { username: 'zhengshuang', name: '郑爽' } },
  { code: '114002', name: '市慈善总会', supervisor: '市民政局', kind: '51', district: false, status: 'online', uses: { JZ01: 800, JZ01E: 5000 }, staff: { username: 'liangkai', name: '梁凯' } },
  { code: '114003', name: '市会计学会', supervisor: '市财政局', kind: '51', district: false, status: 'online', uses: { HF01: 200 }, staff: { username: 'songjia', name: '宋佳' } },
  { code: '115001', name: '市博物馆', supervisor: '市文化和旅游局', kind: '12', district: false, status: 'online', uses: { FS01: 600, QT01: 100 }, staff: { username: 'tangmin', name: '唐敏' } },
  { code: '115002', name: '市图书馆', supervisor: '市文化和旅游局', kind: '12', district: false, status: 'not_online', uses: { FS01: 200 } },
  { code: '116001', name: '市交通运输综合执法支队', supervisor: '市交通运输局', kind: '12', district: false, status: 'online', uses: { FS03: 1500 }, staff: { username: 'hanxue', name: '韩雪' } },
  { code: '201001', name: '东城区人民医院', supervisor: '东城区卫生健康局', kind: '12', district: true, status: 'online', uses: { YL01: 4000, YL01E: 15000 }, staff: { username: 'fengtao', name: '冯涛' } },
  { code: '201002', name: '东城区第三小学', supervisor: '东城区教育和体育局', kind: '12', district: true, status: 'online', uses: { FS01: 500, JS01: 150 }, staff: { username: 'dengyu', name: '邓宇' } },
  { code: '201003', name: '东城区自然资源分局', supervisor: '市自然资源局', kind: '11', district: true, status: 'online', uses: { FS03: 500 }, staff: { username: 'caoying', name: '曹颖' } },
  { code: '201004', name: '东城区市场监督管理局', supervisor: '东城区人民政府', kind: '11', district: true, status: 'not_online', uses: { FS03: 300 } },
  { code: '201005', name: '东城区社区卫生服务中心', supervisor: '东城区卫生健康局', kind: '12', district: true, status: 'trial', uses: { YL01: 1500 }, staff: { username: 'pengbo', name: '彭博' } },
  { code: '202001', name: '高新区管理委员会', supervisor: '市人民政府', kind: '11', district: true, status: 'online', uses: { FS01: 400, FS03: 400 }, staff: { username: 'zengli', name: '曾丽' } },
];

// The console's words, zh-CN first, en on the switch. Enum values from
// the contract are shown through label(); the API's own problem titles
// and details arrive already in the chosen language (Accept-Language).

const words = {
  'zh-CN': {
    appTitle: 'kincare 监管端 · 综合监管平台',
    switchLang: 'English',
    signOut: '退出',
    signInTitle: '监管人员登录',
    phone: '手机号',
    code: '短信验证码',
    sendCode: '获取验证码',
    codeSent: '验证码已发送，{seconds} 秒后可重新获取。',
    signIn: '登录',
    signingIn: '正在登录…',
    refusedTitle: '此控制台不适用于您的账号',
    refusedBody: '监管端仅供民政、卫健等监管部门的工作人员使用。您的账号没有监管权限，接口拒绝了访问（{status} {code}）。家庭与服务机构请使用 kincare 手机应用。',
    useAnother: '换一个账号登录',
    checkAgain: '已获授权，重新检查',
    navDashboard: '指标看板',
    navProviders: '机构名录',
    navComplaints: '投诉督办',
    navCredit: '信用管理',
    navExports: '数据导出',
    region: '区域',
    allRegions: '全部辖区',
    regionCode: '区划代码',
    regionHint: '2、4 或 6 位，如 3101、310104',
    month: '月份',
    apply: '查询',
    loading: '加载中…',
    loadMore: '加载更多',
    empty: '暂无数据',
    any: '全部',
    kind: '机构类型',
    credit: '信用',
    status: '状态',
    lapsingOnly: '证照 30 天内到期',
    name: '机构名称',
    licences: '证照',
    validTo: '有效期至',
    rating: '评分',
    complaints90: '近 90 天投诉',
    address: '地址',
    contactPhone: '联系电话',
    creditReason: '信用事由',
    creditSetAt: '信用变更时间',
    statusReason: '状态说明',
    complaintFigures: '近 {days} 天投诉情况',
    filed: '受理',
    answered: '已答复',
    answeredInTime: '按时答复',
    escalated: '已上报',
    open: '待处理',
    setCredit: '调整信用等级',
    reason: '事由（将公开）',
    save: '提交',
    saved: '已保存。',
    back: '返回',
    filedAt: '投诉时间',
    provider: '机构',
    category: '类别',
    respondBy: '答复期限',
    escalation: '上报',
    overdue: '逾期',
    lateAnswer: '逾期答复',
    complaintText: '投诉内容',
    providerResponse: '机构答复',
    noResponse: '机构未答复',
    decision: '监管结论',
    outcome: '结论',
    findingText: '处理意见',
    creditEffect: '同时调整机构信用（可选）',
    noCreditChange: '不调整',
    decide: '作出结论',
    redList: '红名单（守信激励）',
    blackList: '黑名单（失信惩戒，对家庭不可见）',
    auditLog: '下级监管操作留痕',
    auditActor: '操作人',
    auditAction: '操作',
    auditSubject: '对象',
    auditDetail: '内容',
    auditAt: '时间',
    exportsIntro: '导出文件带中文表头，同一月份同一数据导出结果一致。',
    exportIndicators: '指标表（区域、月份）',
    exportProviders: '机构名录（区域）',
    exportComplaints: '投诉督办记录（区域、月份）',
    download: '下载',
    downloaded: '已下载 {name}',
    errorGeneric: '请求失败：{title}',
    sessionEnded: '登录已失效，请重新登录。',
    noData: '该区域本月尚无可计算的指标',
    trendCounts: '近 12 个月数量趋势',
    trendRatios: '近 12 个月比率趋势',
  },
  en: {
    appTitle: 'kincare Regulator Console',
    switchLang: '中文',
    signOut: 'Sign out',
    signInTitle: 'Sign in (regulators)',
    phone: 'Mobile number',
    code: 'SMS code',
    sendCode: 'Send code',
    codeSent: 'Code sent; you may ask again in {seconds} s.',
    signIn: 'Sign in',
    signingIn: 'Signing in…',
    refusedTitle: 'This console is not for your account',
    refusedBody: 'The console is for civil-affairs and health regulators. Your account has no regulator rights and the API refused it ({status} {code}). Families and providers use the kincare apps.',
    useAnother: 'Sign in with another account',
    checkAgain: 'I have been granted access; check again',
    navDashboard: 'Indicators',
    navProviders: 'Providers',
    navComplaints: 'Complaints',
    navCredit: 'Credit',
    navExports: 'Exports',
    region: 'Region',
    allRegions: 'All my regions',
    regionCode: 'Region code',
    regionHint: '2, 4 or 6 digits, e.g. 3101, 310104',
    month: 'Month',
    apply: 'Apply',
    loading: 'Loading…',
    loadMore: 'Load more',
    empty: 'Nothing here',
    any: 'Any',
    kind: 'Kind',
    credit: 'Credit',
    status: 'Status',
    lapsingOnly: 'Licence lapses within 30 days',
    name: 'Provider',
    licences: 'Licences',
    validTo: 'Valid to',
    rating: 'Rating',
    complaints90: 'Complaints (90 days)',
    address: 'Address',
    contactPhone: 'Contact',
    creditReason: 'Credit reason',
    creditSetAt: 'Credit set at',
    statusReason: 'Status reason',
    complaintFigures: 'Complaints in the last {days} days',
    filed: 'Filed',
    answered: 'Answered',
    answeredInTime: 'Answered in time',
    escalated: 'Escalated',
    open: 'Open',
    setCredit: 'Change credit standing',
    reason: 'Reason (published)',
    save: 'Save',
    saved: 'Saved.',
    back: 'Back',
    filedAt: 'Filed at',
    provider: 'Provider',
    category: 'Category',
    respondBy: 'Respond by',
    escalation: 'Escalation',
    overdue: 'Overdue',
    lateAnswer: 'Answered late',
    complaintText: 'Complaint',
    providerResponse: "Provider's answer",
    noResponse: 'No answer from the provider',
    decision: "Regulator's finding",
    outcome: 'Outcome',
    findingText: 'Finding',
    creditEffect: "Also set the provider's credit (optional)",
    noCreditChange: 'No change',
    decide: 'Decide',
    redList: 'Red list (commended)',
    blackList: 'Black list (hidden from families)',
    auditLog: 'Actions of regulators below you',
    auditActor: 'By',
    auditAction: 'Action',
    auditSubject: 'Subject',
    auditDetail: 'Detail',
    auditAt: 'At',
    exportsIntro: 'Exports have Chinese headings (English on the switch); the same month and data give the same file.',
    exportIndicators: 'Indicator table (region, month)',
    exportProviders: 'Register of providers (region)',
    exportComplaints: 'Complaints (region, month)',
    download: 'Download',
    downloaded: 'Downloaded {name}',
    errorGeneric: 'Request failed: {title}',
    sessionEnded: 'Your session has ended; sign in again.',
    noData: 'No indicator can be computed for this region and month yet',
    trendCounts: 'Counts over 12 months',
    trendRatios: 'Rates over 12 months',
  },
};

// Labels of the contract's enums, by enum and value.
const labels = {
  'zh-CN': {
    kind: {
      home_care: '居家养老服务', canteen: '助餐点/幸福食堂', day_care_centre: '日间照料中心',
      childcare_institution: '托育机构', home_childcare_point: '家庭托育点', class_organizer: '父母课堂组织方',
      ability_assessment: '能力评估机构',
    },
    credit: { normal: '正常', red_listed: '红名单', black_listed: '黑名单' },
    status: { pending: '待审核', verified: '已认证', rejected: '已驳回', suspended: '已暂停' },
    complaintStatus: { open: '待答复', responded: '已答复', resolved: '已解决', escalated: '已上报', decided: '已结案' },
    category: {
      service_quality: '服务质量', late_or_no_show: '迟到或未上门', staff_conduct: '人员行为', safety: '安全',
      abuse_or_neglect: '虐待或疏于照护', hygiene: '卫生', billing: '收费', privacy: '隐私', other: '其他',
    },
    outcome: { upheld: '投诉成立', partly_upheld: '部分成立', not_upheld: '不成立' },
    escalatedBy: { family: '家庭上报', system: '超时自动上报' },
    action: {
      'provider.set_credit': '调整机构信用', 'complaint.decide': '投诉结论', 'allowance.grant': '发放补贴',
      'allowance.end': '终止补贴', 'allowance.adjust': '调整补贴', 'elder.record_assessment': '能力评估',
      'region.set_subsidy_rate': '设定补贴标准', 'region.set_meal_subsidy_rules': '设定助餐补贴规则',
    },
  },
  en: {
    kind: {
      home_care: 'Home care', canteen: 'Canteen', day_care_centre: 'Day-care centre',
      childcare_institution: 'Childcare institution', home_childcare_point: 'Home childcare point',
      class_organizer: 'Class organiser', ability_assessment: 'Ability assessment',
    },
    credit: { normal: 'Normal', red_listed: 'Red-listed', black_listed: 'Black-listed' },
    status: { pending: 'Pending', verified: 'Verified', rejected: 'Rejected', suspended: 'Suspended' },
    complaintStatus: { open: 'Open', responded: 'Responded', resolved: 'Resolved', escalated: 'Escalated', decided: 'Decided' },
    category: {
      service_quality: 'Service quality', late_or_no_show: 'Late or no-show', staff_conduct: 'Staff conduct', safety: 'Safety',
      abuse_or_neglect: 'Abuse or neglect', hygiene: 'Hygiene', billing: 'Billing', privacy: 'Privacy', other: 'Other',
    },
    outcome: { upheld: 'Upheld', partly_upheld: 'Partly upheld', not_upheld: 'Not upheld' },
    escalatedBy: { family: 'By the family', system: 'Automatically (no answer in time)' },
    action: {
      'provider.set_credit': 'Credit standing', 'complaint.decide': 'Complaint finding', 'allowance.grant': 'Allowance granted',
      'allowance.end': 'Allowance ended', 'allowance.adjust': 'Allowance adjusted', 'elder.record_assessment': 'Assessment',
      'region.set_subsidy_rate': 'Subsidy rate', 'region.set_meal_subsidy_rules': 'Meal subsidy rules',
    },
  },
};

const KEY = 'kincare.console.lang';
let current = localStorage.getItem(KEY) === 'en' ? 'en' : 'zh-CN';

export function lang() { return current; }

export function setLang(l) {
  current = l === 'en' ? 'en' : 'zh-CN';
  localStorage.setItem(KEY, current);
  document.documentElement.lang = current;
}

// t is a word in the current language with {name} filled from vars.
export function t(key, vars = {}) {
  const s = words[current][key] ?? words['zh-CN'][key] ?? key;
  return s.replace(/\{(\w+)\}/g, (_, k) => (k in vars ? String(vars[k]) : `{${k}}`));
}

// label is an enum value's name; an unknown value shows as itself.
export function label(kind, value) {
  return labels[current][kind]?.[value] ?? value;
}

export function labelsOf(kind) { return labels[current][kind] ?? {}; }

// Dates and numbers as an official reads them, in Beijing time.
export function dateTime(iso) {
  if (!iso) return '';
  return new Intl.DateTimeFormat(current, {
    timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit',
  }).format(new Date(iso));
}

export function number(n, digits = 0) {
  return new Intl.NumberFormat(current, { maximumFractionDigits: digits, minimumFractionDigits: 0 }).format(n);
}

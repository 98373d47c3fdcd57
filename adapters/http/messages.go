package http

import (
	"fmt"
	"strings"

	"golang.org/x/text/language"
)

// message is the localized text of one error code. Details may name
// parameters as {name}; the error's Params fill them.
type message struct {
	zhTitle, zhDetail string
	enTitle, enDetail string
}

// messages is the catalog of every stable error code. A test fails when
// code anywhere declares a code missing here.
var messages = map[string]message{
	"internal":                         {"服务器内部错误", "请求未能完成，请稍后重试。", "Internal error", "The request could not be completed. Please try again later."},
	"unavailable":                      {"服务暂不可用", "依赖的服务暂时不可用，请稍后重试。", "Service unavailable", "A service kincare depends on is unavailable. Please try again later."},
	"store_unavailable":                {"服务繁忙", "数据存储暂时无法响应（可能正在切换节点），请在 {retryAfter} 秒后重试；带 Idempotency-Key 的请求可原样重发。", "Service busy", "A data store could not answer just now (it may be failing over). Try again in {retryAfter} seconds; a request with an Idempotency-Key may be resent as is."},
	"not_ready":                        {"服务未就绪", "数据库或缓存暂不可用。", "Not ready", "The database or cache cannot be reached."},
	"not_found":                        {"未找到", "请求的资源不存在。", "Not found", "The requested resource does not exist."},
	"route_not_found":                  {"接口不存在", "没有这个接口，请查看 /docs。", "No such endpoint", "There is no such endpoint; see /docs."},
	"method_not_allowed":               {"方法不允许", "该接口不支持此 HTTP 方法。", "Method not allowed", "This endpoint does not support this HTTP method."},
	"bad_request":                      {"请求无效", "请求格式不正确。", "Bad request", "The request is not well formed."},
	"request_timeout":                  {"请求超时", "请求未在规定时间内完成发送。", "Request timeout", "The request was not received in time."},
	"header_too_large":                 {"请求头过大", "请求头超过了允许的大小。", "Headers too large", "The request headers are too large."},
	"body_too_large":                   {"请求体过大", "请求体超过了允许的大小。", "Body too large", "The request body is larger than allowed."},
	"malformed_json":                   {"JSON 格式错误", "请求体不是合法的 JSON。", "Malformed JSON", "The request body is not valid JSON."},
	"unsupported_media_type":           {"不支持的内容类型", "请使用 Content-Type: application/json。", "Unsupported media type", "Send Content-Type: application/json."},
	"validation_failed":                {"参数校验失败", "请求中有字段不符合要求，详见 errors。", "Validation failed", "Some fields are invalid; see errors."},
	"invalid_parameter":                {"参数无效", "路径或查询参数不符合要求，详见 errors。", "Invalid parameter", "A path or query parameter is invalid; see errors."},
	"idempotency_key_required":         {"缺少幂等键", "此操作需要请求头 Idempotency-Key（1 到 255 个可见 ASCII 字符，如 UUID），重试时请发送相同的值。", "Idempotency-Key required", "This operation needs an Idempotency-Key header (1 to 255 visible ASCII characters, such as a UUID); send the same value when you retry."},
	"idempotency_key_invalid":          {"幂等键无效", "Idempotency-Key 应为 1 到 255 个可见 ASCII 字符，不含空格。", "Invalid Idempotency-Key", "An Idempotency-Key has 1 to 255 visible ASCII characters and no spaces."},
	"idempotency_key_reused":           {"幂等键已用于其他请求", "该 Idempotency-Key 已用于内容不同的请求；新的请求请使用新的键。", "Idempotency-Key reused", "This Idempotency-Key was already used for a different request; use a new key for a new request."},
	"idempotency_key_in_progress":      {"请求正在处理中", "使用该 Idempotency-Key 的请求仍在处理中，请在 {retryAfter} 秒后重试。", "Request in progress", "A request with this Idempotency-Key is still being processed. Try again in {retryAfter} seconds."},
	"unauthenticated":                  {"未登录", "请先登录（Authorization: Bearer <访问令牌>）。", "Not authenticated", "Log in first (Authorization: Bearer <access token>)."},
	"token_invalid":                    {"令牌无效", "访问令牌无效，请重新登录。", "Invalid token", "The access token is not valid. Log in again."},
	"token_expired":                    {"令牌已过期", "访问令牌已过期，请刷新令牌。", "Token expired", "The access token has expired. Refresh it."},
	"forbidden":                        {"无权操作", "您的角色不允许此操作。", "Forbidden", "Your role does not allow this."},
	"rate_limited":                     {"请求过于频繁", "请在 {retryAfter} 秒后重试。", "Too many requests", "Try again in {retryAfter} seconds."},
	"phone_invalid":                    {"手机号无效", "请输入正确的手机号。", "Invalid phone number", "Enter a valid mobile number."},
	"sms_unavailable":                  {"短信发送失败", "验证码短信暂时无法发送，请稍后重试。", "SMS unavailable", "The code could not be texted. Please try again later."},
	"otp_invalid":                      {"验证码错误", "验证码不正确，还可尝试 {attemptsLeft} 次。", "Wrong code", "The code is wrong; {attemptsLeft} attempts left."},
	"otp_expired":                      {"验证码已失效", "验证码已过期或已使用，请重新获取。", "Code expired", "The code has expired or was used. Request a new one."},
	"otp_locked":                       {"验证码已锁定", "错误次数过多，请在 {retryAfter} 秒后重新获取验证码。", "Code locked", "Too many wrong tries. Request a new code in {retryAfter} seconds."},
	"login_method_invalid":             {"登录方式无效", "请提供验证码或密码中的一项。", "Invalid login method", "Give either a code or a password, not both."},
	"credentials_invalid":              {"手机号或密码错误", "手机号或密码不正确。", "Wrong phone or password", "The phone number or password is wrong."},
	"assessor_not_licensed":            {"无权记录正式评估", "只有持有老年人能力评估资质、已通过审核的机构的员工，才能以该机构名义记录评估。", "Not a licensed assessor", "Only staff of a verified provider licensed for ability assessment may record assessments in its name."},
	"password_locked":                  {"密码错误次数过多", "请在 {retryAfter} 秒后再试，或使用短信验证码登录。", "Too many wrong passwords", "Try again in {retryAfter} seconds, or sign in with an SMS code."},
	"password_not_set":                 {"未设置密码", "该账号未设置密码，请使用验证码登录。", "No password set", "This account has no password. Log in with a code."},
	"password_weak":                    {"密码强度不足", "密码长度需为 {min} 到 {max} 个字符。", "Password too weak", "A password needs {min} to {max} characters."},
	"refresh_token_invalid":            {"刷新令牌无效", "请重新登录。", "Invalid refresh token", "Log in again."},
	"refresh_token_reused":             {"刷新令牌已被使用", "检测到刷新令牌被重复使用，该登录会话已全部注销，请重新登录。", "Refresh token reused", "A spent refresh token was presented again; the whole session was revoked. Log in again."},
	"session_ended":                    {"登录已失效", "该登录会话已注销或过期，请重新登录。", "Session ended", "This session was logged out or has expired. Log in again."},
	"user_not_found":                   {"用户不存在", "找不到该用户。", "User not found", "There is no such user."},
	"user_deleted":                     {"账号已注销", "该账号已注销。", "Account deleted", "This account has been deleted."},
	"locale_unknown":                   {"不支持的语言", "支持的语言：zh-CN、en。", "Unknown locale", "Supported locales: zh-CN, en."},
	"role_unknown":                     {"角色无效", "没有角色“{role}”。", "Unknown role", "There is no role \"{role}\"."},
	"self_demotion":                    {"不能移除自己的管理员角色", "请由另一位平台管理员操作。", "Cannot demote yourself", "Ask another platform admin to do this."},
	"device_invalid":                   {"设备信息无效", "推送令牌、平台或应用类型不正确。", "Invalid device", "The push token, platform or app is invalid."},
	"device_not_found":                 {"设备不存在", "该推送令牌未登记在您的账号下。", "Device not found", "This push token is not registered to your account."},
	"position_too_frequent":            {"位置上报过于频繁", "请至少间隔 {seconds} 秒再上报位置。", "Too frequent", "Report the position at most every {seconds} seconds."},
	"allowance_changed":                {"补贴余额已变化", "补贴已被其他订单使用，现在补贴抵扣 {allowanceFen} 分、应付 {dueFen} 分；请确认新的价格后重新下单。", "Allowance changed", "Another order used the allowance first: it now pays {allowanceFen} fen and {dueFen} fen is due; confirm the new price and order again."},
	"period_invalid":                   {"期间格式有误", "期间应为年月，例如 2026-12。", "Invalid period", "A period is a month written yyyy-mm, e.g. 2026-12."},
	"amount_invalid":                   {"金额无效", "金额必须为正数。", "Invalid amount", "The amount must be positive."},
	"balance_insufficient":             {"余额不足", "本期可用余额为 {available}，不能扣减更多：已预留或已使用的部分不能追回。", "Balance insufficient", "The period has {available} left; what is reserved or spent cannot be taken back."},
	"nothing_held":                     {"没有预留", "该订单在此账户中没有待结算的预留。", "Nothing held", "This order holds nothing to settle in this account."},
	"commit_exceeds_hold":              {"结算超出预留", "结算金额不能超过预留的 {held}。", "Commit exceeds hold", "A commit cannot exceed the {held} held."},
	"ledger_account_not_found":         {"账户不存在", "该补贴在此期间尚无账户。", "Account not found", "This allowance has no account for that period yet."},
	"ledger_account_invalid":           {"账户无效", "账户信息不完整。", "Invalid account", "The account is incomplete."},
	"price_changed":                    {"价格已更新", "服务商已调整价格（当前版本 {current}），请重新询价后再下单。", "Price changed", "The provider has changed the price (now version {current}); get a new quote first."},
	"no_caregiver_available":           {"暂无可派护理员", "附近没有具备资质、在岗且空闲的护理员，请稍后再试或直接指派。", "No caregiver available", "No qualified, working and free caregiver is near; try later or assign someone."},
	"caregiver_cannot_serve":           {"该护理员无法承接", "该护理员不具备有效资质、不在工作时间、距离过远或时间冲突。", "Caregiver cannot serve", "This caregiver lacks a valid certificate, is not working then, is too far or is busy."},
	"order_not_found":                  {"订单不存在", "找不到该订单。", "Order not found", "There is no such order."},
	"order_invalid":                    {"订单信息有误", "请检查标注的字段。", "Invalid order", "Check the fields listed."},
	"order_already_accepted":           {"订单已被接走", "该订单已由其他护理员接单。", "Order already accepted", "Another caregiver has accepted this order."},
	"order_status_conflict":            {"订单状态不允许该操作", "订单当前状态为 {status}，不能执行 {action}。", "Not possible in this status", "The order is {status}; {action} is not possible now."},
	"order_action_forbidden":           {"无权执行该操作", "您在此订单中的身份不能执行该操作。", "Not allowed", "Your part in this order does not allow this action."},
	"order_action_too_early":           {"操作过早", "该操作须在 {notBefore} 之后进行。", "Too early", "This can only be done after {notBefore}."},
	"offer_expired":                    {"接单邀请已过期", "该订单邀请已过期。", "Offer expired", "This offer has expired."},
	"order_offers_full":                {"邀请人数已满", "该订单已邀请过多护理员，请直接指派。", "Too many offers", "This order has been offered to too many caregivers; assign one."},
	"check_in_reason_required":         {"需要说明原因", "签到位置不在老人住址附近或时间不符，请填写原因。", "Reason required", "You are not at the elder's address or not on time; give a reason."},
	"vitals_out_of_range":              {"体征数据超出范围", "{field} 的数值不在合理范围内，请核对。", "Vitals out of range", "The value of {field} is outside the plausible range; check it."},
	"checklist_item_invalid":           {"服务清单项无效", "该服务类型没有这一清单项。", "Unknown checklist item", "This service type has no such checklist item."},
	"service_record_invalid":           {"服务记录有误", "请检查标注的字段。", "Invalid service record", "Check the fields listed."},
	"provider_unavailable":             {"服务商暂不可用", "该服务商尚未通过审核或已被暂停服务。", "Provider unavailable", "This provider is not verified or is suspended."},
	"service_item_inactive":            {"服务项目已下架", "该服务项目目前不可预订。", "Service item withdrawn", "This service item cannot be ordered now."},
	"ability_level_not_eligible":       {"能力等级不符", "该服务项目不适用于老人当前的能力评估等级（或尚无评估）。", "Ability level not served", "This item does not serve the elder's assessed ability level (or there is no assessment)."},
	"age_not_eligible":                 {"年龄不符", "老人的年龄低于该服务项目的要求。", "Age not served", "The elder is younger than this item requires."},
	"outside_service_area":             {"超出服务范围", "老人的住址不在该服务商的服务范围内。", "Outside the service area", "The elder's home is outside this provider's service area."},
	"outside_opening_hours":            {"不在营业时间内", "请选择服务商营业时间内的时段（按服务商所在时区）。", "Outside opening hours", "Choose a time within the provider's opening hours (in its time zone)."},
	"window_invalid":                   {"服务时段无效", "结束时间须晚于开始时间，时段不超过 7 天，且开始于 90 天之内。", "Invalid window", "The end must come after the start, within 7 days, starting within 90 days."},
	"window_in_past":                   {"服务时段已过", "请选择将来的时段。", "Window in the past", "Choose a time in the future."},
	"notification_not_found":           {"通知不存在", "您的收件箱中没有这条通知。", "Notification not found", "There is no such notification in your inbox."},
	"notification_preferences_invalid": {"通知设置无效", "请检查通知类别、免打扰时段（HH:MM，开始与结束不能相同）和时区。", "Invalid notification preferences", "Check the categories, the quiet hours (HH:MM, start and end must differ) and the time zone."},
	"cursor_invalid":                   {"分页游标无效", "请使用上一页返回的 nextCursor。", "Invalid cursor", "Use the nextCursor of the previous page."},
	"date_invalid":                     {"日期无效", "日期格式应为 YYYY-MM-DD。", "Invalid date", "Dates are written YYYY-MM-DD."},
	"coordinates_invalid":              {"坐标无效", "纬度应在 -90 到 90 之间，经度应在 -180 到 180 之间。", "Invalid coordinates", "Latitude must be within -90..90 and longitude within -180..180."},
	"address_invalid":                  {"地址无效", "地址中有字段不符合要求，详见 errors。", "Invalid address", "Some address fields are invalid; see errors."},
	"family_not_found":                 {"家庭不存在", "找不到该家庭。", "Family not found", "There is no such family."},
	"family_owner_required":            {"需要家庭管理员", "只有家庭管理员可以进行此操作。", "Owner required", "Only an owner of the family can do this."},
	"family_name_invalid":              {"家庭名称无效", "家庭名称应为 1 到 50 个字符。", "Invalid family name", "A family name has 1 to 50 characters."},
	"family_role_invalid":              {"家庭角色无效", "家庭角色只能是 owner 或 member。", "Invalid family role", "A family role is owner or member."},
	"family_full":                      {"家庭成员已满", "一个家庭最多 30 位成员。", "Family full", "A family has at most 30 members."},
	"time_zone_invalid":                {"时区无效", "请使用 IANA 时区名称，例如 Asia/Shanghai。", "Invalid time zone", "Use an IANA time zone name such as Asia/Shanghai."},
	"already_member":                   {"已是家庭成员", "该用户已经是这个家庭的成员。", "Already a member", "This user is already a member of the family."},
	"member_not_found":                 {"成员不存在", "该用户不是这个家庭的成员。", "Member not found", "This user is not a member of the family."},
	"last_owner":                       {"不能移除最后一位管理员", "请先将另一位成员设为管理员。", "Last owner", "Make another member an owner first."},
	"invite_not_found":                 {"邀请不存在", "邀请码无效，或该邀请不是发给您的。", "Invite not found", "The invite code is wrong, or the invite is not for you."},
	"invite_expired":                   {"邀请已过期", "邀请有效期为 7 天，请让家人重新邀请。", "Invite expired", "Invites last 7 days; ask for a new one."},
	"invite_used":                      {"邀请已被使用", "每个邀请只能使用一次。", "Invite already used", "An invite can be used once."},
	"invite_revoked":                   {"邀请已撤销", "该邀请已被撤销。", "Invite revoked", "This invite was revoked."},
	"consent_required":                 {"需要授权同意", "保存健康信息或儿童信息前，需要先记录家庭的授权同意。", "Consent required", "Record the family's consent before saving health or child data."},
	"consent_scope_invalid":            {"授权范围无效", "elder_health 需要指定老人，child_data 不需要。", "Invalid consent scope", "elder_health needs an elder; child_data takes none."},
	"consent_policy_outdated":          {"隐私政策版本已更新", "请阅读并同意当前版本（{current}）的隐私政策。", "Policy outdated", "Read and accept the current privacy policy ({current})."},
	"consent_not_found":                {"授权记录不存在", "找不到该授权记录。", "Consent not found", "There is no such consent."},
	"consent_withdrawn":                {"授权已撤回", "该授权已经撤回。", "Consent withdrawn", "This consent was already withdrawn."},
	"elder_not_found":                  {"老人档案不存在", "找不到该老人档案。", "Elder not found", "There is no such elder."},
	"elder_invalid":                    {"老人档案无效", "档案中有字段不符合要求，详见 errors。", "Invalid elder profile", "Some fields are invalid; see errors."},
	"allowance_invalid":                {"补贴信息无效", "补贴中有字段不符合要求，详见 errors。", "Invalid allowance", "Some fields are invalid; see errors."},
	"allowance_not_found":              {"补贴不存在", "找不到该补贴。", "Allowance not found", "There is no such allowance."},
	"child_not_found":                  {"儿童档案不存在", "找不到该儿童档案。", "Child not found", "There is no such child."},
	"child_invalid":                    {"儿童档案无效", "档案中有字段不符合要求，详见 errors。", "Invalid child profile", "Some fields are invalid; see errors."},
	"pickup_person_not_found":          {"接送人不存在", "找不到该接送人。", "Pickup person not found", "There is no such pickup person."},
	"pickup_persons_full":              {"接送人已满", "每个孩子最多 {max} 位接送人。", "Too many pickup persons", "A child has at most {max} pickup persons."},
	"provider_not_found":               {"机构不存在", "找不到该服务机构。", "Provider not found", "There is no such provider."},
	"provider_invalid":                 {"机构信息无效", "机构信息中有字段不符合要求，详见 errors。", "Invalid provider", "Some fields are invalid; see errors."},
	"provider_admin_required":          {"需要机构管理员", "只有该机构的管理员可以进行此操作。", "Provider admin required", "Only an admin of this provider can do this."},
	"provider_status_conflict":         {"机构状态不允许此操作", "机构当前状态为 {status}。", "Not allowed in this status", "The provider is {status}."},
	"reason_required":                  {"需要填写原因", "此操作需要说明原因。", "Reason required", "This action needs a reason."},
	"credit_status_invalid":            {"信用状态无效", "信用状态只能是 normal、red_listed 或 black_listed。", "Invalid credit status", "Credit is normal, red_listed or black_listed."},
	"decision_invalid":                 {"审核决定无效", "审核决定只能是 verify、reject 或 suspend。", "Invalid decision", "A decision is verify, reject or suspend."},
	"service_item_not_found":           {"服务项目不存在", "找不到该服务项目。", "Service item not found", "There is no such service item."},
	"service_item_invalid":             {"服务项目无效", "服务项目中有字段不符合要求，详见 errors。", "Invalid service item", "Some fields are invalid; see errors."},
	"inclusive_price_too_high":         {"普惠价过高", "普惠价不得高于市场价的 {cap}%，超出时须注明协议依据。", "Inclusive price too high", "The inclusive price may be at most {cap} % of the market price unless an agreement is cited."},
	"menu_full":                        {"服务项目已满", "每个机构最多 {max} 个服务项目。", "Menu full", "A provider has at most {max} items."},
	"radius_invalid":                   {"搜索半径无效", "搜索半径最大为 {max} 米。", "Invalid radius", "The search radius is at most {max} metres."},
	"staff_not_found":                  {"员工不存在", "该用户不是本机构的员工。", "Staff not found", "This user does not work for the provider."},
	"staff_invalid":                    {"员工信息无效", "有字段不符合要求，详见 errors。", "Invalid staff data", "Some fields are invalid; see errors."},
	"already_staff":                    {"已是本机构员工", "该用户已经是本机构的员工。", "Already staff", "This user already works for the provider."},
	"staff_full":                       {"员工已满", "每个机构最多 500 名员工。", "Staff full", "A provider has at most 500 staff."},
	"staff_invite_not_found":           {"员工邀请不存在", "没有发给您手机号的有效邀请。", "Staff invite not found", "There is no live invite for your phone."},
	"not_a_caregiver":                  {"不是护理员", "只能为护理员填写资质和技能。", "Not a caregiver", "Only caregivers have certificates and skills."},
	"provider_not_childcare":           {"不是托育机构", "该机构没有托育机构备案或家庭托育点登记，不能发布托位。", "Not a childcare provider", "This provider has no childcare institution filing or home childcare point registration, so it cannot offer places."},
	"offering_not_found":               {"托位不存在", "找不到该托位。", "Offering not found", "There is no such childcare offering."},
	"offering_invalid":                 {"托位信息无效", "托位中有字段不符合要求，详见 errors。", "Invalid offering", "Some fields are invalid; see errors."},
	"home_point_capacity_exceeded":     {"超出家庭托育点收托上限", "家庭托育点同时收托不得超过 {max} 名婴幼儿。", "Too many places for a home childcare point", "A home childcare point may take at most {max} children at once."},
	"capacity_invalid":                 {"容量无效", "容量应为 1 到 500，普惠名额不得超过容量。", "Invalid capacity", "Capacity is 1 to 500, and the inclusive quota cannot exceed it."},
	"capacity_below_confirmed":         {"容量低于已确认名额", "该价格档已确认 {confirmed} 个名额，容量不能低于已确认数。", "Below what is booked", "{confirmed} place(s) at this price tier are booked; capacity cannot go below that."},
	"slot_range_invalid":               {"日期范围无效", "结束日期不能早于开始日期；开放时段一次最多 92 天（全日托 12 个月），查询余量一次最多 366 天。", "Invalid date range", "The end cannot come before the start; open at most 92 days (12 months of full-day care) and query at most 366 days at once."},
	"slot_window_invalid":              {"时段无效", "时段的结束须晚于开始。", "Invalid slot window", "A slot must end after it starts."},
	"slot_not_found":                   {"时段不存在", "找不到该托位时段。", "Slot not found", "There is no such slot."},
	"course_not_found":                 {"课程不存在", "找不到该课程。", "Course not found", "There is no such course."},
	"course_invalid":                   {"课程信息有误", "请检查标注的字段。", "Invalid course", "Check the fields listed."},
	"provider_not_organizer":           {"该机构不能开课", "只有课程主办方、托育机构或社区日间照料中心可以发布父母课堂。", "Not a class organiser", "Only class organisers, childcare providers and community day-care stations publish parenting classes."},
	"session_not_found":                {"课程场次不存在", "找不到该课程场次。", "Session not found", "There is no such session."},
	"session_invalid":                  {"场次信息有误", "请检查标注的字段。", "Invalid session", "Check the fields listed."},
	"session_cancelled":                {"场次已取消", "该课程场次已被主办方取消。", "Session cancelled", "The organiser has cancelled this session."},
	"session_started":                  {"课程已开始", "该场次已经开始或已结束。", "Session started", "This session has begun or is over."},
	"session_already_closed":           {"场次已关闭", "该场次已不再接受预约。", "Session closed", "This session takes no more bookings."},
	"booking_closed":                   {"预约已截止", "该场次已于 {closedAt} 截止预约。", "Booking closed", "Booking for this session closed at {closedAt}."},
	"paid_session_hold_required":       {"付费课程须先保留座位", "该课程每座 {priceFen} 分，须先保留座位，再凭保留的 holdId 确认预约，费用在确认时记入账本。", "Paid class: hold a seat first", "A seat of this class costs {priceFen} fen: hold one first, then book with the hold's holdId; the amount is reserved in the ledger when you confirm."},
	"class_booking_restricted":         {"课程预约受限", "您在 {windowDays} 天内有 {noShows} 次预约未到场，{until} 前不能直接预约课程或候补付费课程，只能候补免费课程并确认候补到的座位。", "Class booking restricted", "You missed {noShows} booked classes within {windowDays} days: until {until} you cannot book classes directly or wait for paid ones; you may wait for free classes and accept the seat offered to you."},
	"absence_before_start":             {"课程尚未开始", "开课（{start}）后才能登记缺席。", "Session not begun", "Absence can be recorded from the start ({start})."},
	"already_booked":                   {"您已预约", "您已有该场次的座位。", "Already booked", "You already have a seat at this session."},
	"cancellation_cutoff_passed":       {"已过取消截止时间", "取消截止时间为 {cutoff}，之后座位保留给您。", "Cancellation cutoff passed", "Seats could be given back until {cutoff}; the seat stays yours."},
	"check_in_not_open":                {"签到未开放", "签到从开课前 15 分钟（{opensAt}）开放，至课程结束。", "Check-in not open", "Check-in opens 15 minutes before the start ({opensAt}) and closes at the end."},
	"check_in_code_invalid":            {"签到码错误", "签到码不正确，请扫描现场的签到码。", "Wrong check-in code", "The check-in code is wrong; scan the code shown at the venue."},
	"join_link_unavailable":            {"暂无入场链接", "入场链接只在开课前 30 分钟至结束期间提供给已预约的学员。", "No join link", "The join link is given only to booked attendees, from 30 minutes before the start until the end."},
	"session_search_invalid":           {"查询范围无效", "结束时间须晚于开始时间，且相隔不超过 92 天。", "Invalid search range", "`to` must be after `from` and at most 92 days later."},
	"slot_full":                        {"名额已满", "该时段此价格档的名额已满，可以加入候补。", "Slot full", "No place of this price tier is left; you can join the waitlist."},
	"slot_closed":                      {"已停止预订", "该时段已开始或已截止，不能再保留名额。", "Slot closed", "This slot has begun or closed; places can no longer be held."},
	"tier_invalid":                     {"价格档无效", "价格档只能是 market（市场价）或 inclusive（普惠价）。", "Invalid tier", "A tier is market or inclusive."},
	"hold_not_found":                   {"保留不存在", "找不到该名额保留。", "Hold not found", "There is no such hold."},
	"hold_expired":                     {"保留已过期", "名额保留已超时释放，请重新保留。", "Hold expired", "The hold has lapsed and its place was given back; hold again."},
	"hold_released":                    {"保留已释放", "该名额保留已被释放。", "Hold released", "This hold was given back."},
	"hold_limit_reached":               {"保留数量已达上限", "您同时保留的名额已达上限，请先确认或释放已有的保留。", "Too many holds", "You hold as many places as allowed; confirm or release one first."},
	"hold_already_confirmed":           {"保留已确认", "该名额已确认为预订，如需取消请取消预订。", "Hold already confirmed", "This hold is a booking now; cancel the booking instead."},
	"reservation_state_missing":        {"预订服务暂不可用", "预订数据正在恢复，请稍后使用相同的 Idempotency-Key 重试。", "Reservations unavailable", "Reservation data is being restored; retry shortly with the same Idempotency-Key."},
	"booking_not_found":                {"预订不存在", "找不到该预订。", "Booking not found", "There is no such booking."},
	"booking_already_cancelled":        {"预订已取消", "该预订已经取消。", "Booking already cancelled", "This booking was already cancelled."},
	"child_already_booked":             {"该时段已有托位", "孩子在重叠的时段已有已确认的托位（预订 {bookingId}）。", "Already booked then", "The child already has a confirmed place at an overlapping time (booking {bookingId})."},
	"child_age_ineligible":             {"月龄不符", "该托位接收 {minMonths}–{maxMonths} 月龄的婴幼儿，孩子在开始当天为 {ageMonths} 个月。", "Age not served", "This place takes children aged {minMonths} to {maxMonths} months; the child is {ageMonths} months old on the first day."},
	"waitlist_full":                    {"候补已满", "该时段候补人数已满。", "Waitlist full", "Too many people are waiting for this slot already."},
	"slot_has_places":                  {"仍有名额", "该价格档仍有名额，请直接保留名额，无需候补。", "Places left", "Places of this price tier are still free: hold one instead of waiting."},
	"not_waiting":                      {"不在候补中", "您不在该时段的候补名单中。", "Not waiting", "You are not on this slot's waitlist."},
	"seat_already_free":                {"名额已释放", "该预订的名额已经释放。", "Place already free", "This booking's place was already given back."},
	"order_already_rated":              {"订单已评价", "每个订单只能评价一次。", "Already rated", "An order is rated once."},
	"order_not_rateable":               {"暂不能评价", "服务完成（护理员签退）后才能评价，订单当前状态为 {status}。", "Not yet rateable", "A visit can be rated once it is completed (checked out); the order is {status}."},
	"rating_window_closed":             {"评价期已过", "服务完成 14 天内可以评价，评价期已于 {closedAt} 结束。", "Rating period over", "A visit can be rated within 14 days of check-out; that ended at {closedAt}."},
	"rating_invalid":                   {"评价内容有误", "请检查标注的字段：评价内容不能包含电话号码或网址。", "Invalid rating", "Check the fields listed: a comment may not contain a phone number or a link."},
	"home_device_not_found":            {"设备不存在", "找不到该设备。", "Device not found", "There is no such device."},
	"home_device_invalid":              {"设备信息有误", "请检查标注的字段。", "Invalid device", "Check the fields listed."},
	"home_device_exists":               {"设备已登记", "该厂商的此序列号设备已登记。", "Device already registered", "This vendor's device with this serial is registered already."},
	"device_signature_invalid":         {"签名无效", "厂商或签名无法验证。", "Invalid signature", "The vendor or the signature does not verify."},
	"device_signature_expired":         {"签名已过期", "请求时间戳与服务器时间相差超过 5 分钟。", "Signature expired", "The request's timestamp is more than 5 minutes from the server's clock."},
	"device_event_invalid":             {"设备事件有误", "事件须有 eventId、serial 和受支持的 type。", "Invalid device event", "An event needs an eventId, a serial and a supported type."},
	"incident_not_found":               {"报警不存在", "找不到该报警记录。", "Incident not found", "There is no such incident."},
	"recurring_order_not_found":        {"定期服务不存在", "没有这项定期服务，或它不属于您的家庭。", "Recurring order not found", "There is no such recurring order, or it is not your family's."},
	"occurrence_not_in_rule":           {"不是这项定期服务的日期", "这项定期服务在该日没有安排，或当天的服务已经开始。", "Not an occurrence", "The recurring order does not fall on that day, or that visit has begun."},
	"recurring_order_status":           {"定期服务状态不允许此操作", "这项定期服务当前为 {status}，不能这样更改。", "Not possible now", "The recurring order is {status}; it cannot be changed this way."},
	"recurrence_starts_in_past":        {"开始日期已过", "定期服务的开始日期不能早于今天（按家庭所在时区）。", "Start date passed", "A recurring order cannot start before today in the family's time zone."},
	"recurrence_no_days":               {"未选择日期", "请至少选择一天（每周的星期几或每月的几号）。", "No days chosen", "Choose at least one day: days of the week, or days of the month."},
	"recurrence_end_before_start":      {"结束日期早于开始日期", "结束日期不能早于开始日期。", "End before start", "The last day cannot be before the first."},
	"recurrence_invalid":               {"定期规则有误", "请检查标注的字段。", "Invalid recurrence", "Check the fields listed."},
	"incident_invalid":                 {"报警信息有误", "请检查标注的字段。", "Invalid incident", "Check the fields listed."},
	"incident_status_conflict":         {"报警状态不允许该操作", "报警当前状态为 {status}，不能执行 {action}。", "Not possible in this status", "The incident is {status}; {action} is not possible now."},
	"incident_action_forbidden":        {"无权执行该操作", "您在此报警中的身份不能执行该操作。", "Not allowed", "Your place on this incident's ladder does not allow this action."},
	"duty_invalid":                     {"值班名单有误", "值班人员须为本机构员工。", "Invalid duty roster", "Everyone on duty must work for the provider."},
	"complaint_not_found":              {"投诉不存在", "找不到该投诉。", "Complaint not found", "There is no such complaint."},
	"complaint_invalid":                {"投诉信息有误", "请检查标注的字段。", "Invalid complaint", "Check the fields listed."},
	"complaint_status_conflict":        {"投诉状态不允许该操作", "投诉当前状态为 {status}，不能执行 {action}。", "Not possible in this status", "The complaint is {status}; {action} is not possible now."},
	"complaint_action_forbidden":       {"无权执行该操作", "您在此投诉中的身份不能执行该操作。", "Not allowed", "Your part in this complaint does not allow this action."},
	"complaint_awaiting_response":      {"等待机构回复", "机构须在 {respondBy} 前回复，届时仍未回复将自动提交监管部门。", "Awaiting the provider's answer", "The provider has until {respondBy} to answer; unanswered, the complaint then goes to the regulator by itself."},
	"complaint_exists":                 {"已投诉过", "该订单或预订已有投诉（{complaintId}），请在原投诉中跟进。", "Already complained", "This order or booking already has a complaint ({complaintId}); follow it up there."},
	"sort_invalid":                     {"排序方式无效", "可选 distance（距离）或 rating（评分）。", "Invalid sort", "Sort by distance or rating."},
	"region_invalid":                   {"地区代码无效", "请使用 2 位（省）、4 位（市）或 6 位（区县）行政区划代码。", "Invalid region", "Use a 2-digit (province), 4-digit (city) or 6-digit (district) region code."},
	// The childcare day.
	"room_not_found":                 {"班级不存在", "找不到该班级。", "Room not found", "There is no such room."},
	"room_invalid":                   {"班级信息有误", "请检查标注的字段。", "Invalid room", "Check the fields listed."},
	"room_above_standard":            {"超出国家托育标准", "该年龄段每班最多 {maxChildren} 名幼儿，每名保育人员最多照护 {childrenPerStaff} 名。", "Above the national standard", "For these ages a room takes at most {maxChildren} children, and one carer looks after at most {childrenPerStaff}."},
	"room_name_taken":                {"班级名称已存在", "已有同名班级，请换一个名称。", "Room name taken", "Another room has this name."},
	"rooms_full":                     {"班级数量已达上限", "每个机构最多 {max} 个班级。", "Too many rooms", "A provider has at most {max} rooms."},
	"childcare_policy_invalid":       {"托育规则有误", "请检查标注的字段。", "Invalid childcare policy", "Check the fields listed."},
	"room_day_not_found":             {"该班级当天没有记录", "该班级这一天还没有任何记录。", "Nothing on that day", "Nothing has happened in this room on that day."},
	"room_day_full":                  {"当天班级记录已满", "该班级这一天的幼儿记录已达上限。", "Room day full", "This room's day holds as many children as it can."},
	"child_not_placed":               {"幼儿不在该班级", "这一天该幼儿不在这个班级。", "Child not in this room", "The child has no place in this room that day."},
	"room_full":                      {"班级已满", "适合该幼儿年龄的班级在该时段已满，请调整班级容量或新增班级。", "Room full", "Every room for the child's age is full at that time; enlarge one or add a room."},
	"no_room_for_child":              {"没有适合的班级", "机构没有收托 {ageMonths} 月龄幼儿的班级，请先设置班级。", "No room for this age", "No room of the provider takes children of {ageMonths} months; set one up first."},
	"no_booking_today":               {"今日无托位", "该幼儿 {date} 在本机构没有已确认的托位；如需临时托，请登记临时托位。", "No place today", "The child has no confirmed place here on {date}; record a drop-in place if they stay."},
	"no_booking_that_day":            {"当天无托位", "该幼儿 {date} 在本机构没有已确认的托位。", "No place that day", "The child had no confirmed place here on {date}."},
	"already_checked_in":             {"已入托", "该幼儿今天 {at} 已入托。", "Already checked in", "The child was checked in at {at}."},
	"already_checked_out":            {"已接走", "该幼儿今天 {at} 已被接走。", "Already checked out", "The child was checked out at {at}."},
	"not_checked_in":                 {"尚未入托", "该幼儿今天还没有入托，不能办理离园。", "Not checked in", "The child has not been checked in today."},
	"check_in_invalid":               {"入托信息有误", "请检查标注的字段（体温 37.3℃ 及以上须标注为观察）。", "Invalid check-in", "Check the fields listed (37.3 °C or more is admitted only under watch)."},
	"check_out_invalid":              {"离园信息有误", "请检查标注的字段。", "Invalid check-out", "Check the fields listed."},
	"pickup_not_authorized":          {"来人无权接走幼儿", "来人不在该幼儿的授权接送名单上（或证件不符），已拒绝交接并通知全体家庭成员。", "Not authorized to collect", "This person is not on the child's authorized list (or their ID does not match); the handover was refused and every family member alerted."},
	"staff_not_assigned":             {"未排班", "该员工当天未被安排在这个班级。", "Not assigned", "This staff member is not assigned to the room that day."},
	"staff_already_on_duty":          {"已在岗", "该员工已在班级中（{userId}）。", "Already on duty", "This staff member is in the room already ({userId})."},
	"staff_not_on_duty":              {"不在岗", "该员工当前不在这个班级。", "Not on duty", "This staff member is not in the room now."},
	"room_staff_invalid":             {"排班有误", "一个班级一天最多安排 {max} 名员工。", "Invalid staffing", "A room has at most {max} staff a day."},
	"absence_invalid":                {"请假信息有误", "请检查标注的字段。", "Invalid absence", "Check the fields listed."},
	"absence_in_past":                {"不能为过去的日期请假", "请假须在当天或之前报告。", "Absence in the past", "Report an absence on the day or before it."},
	"absence_reported":               {"家长已请假", "家长已为该幼儿这一天请假。", "Absence reported", "The family reported the child away that day."},
	"day_not_started":                {"托育时段尚未开始", "该幼儿的托育时段 {start} 才开始。", "Not started yet", "The child's day starts at {start}."},
	"childcare_date_invalid":         {"日期有误", "请检查标注的日期。", "Invalid date", "Check the dates listed."},
	"slot_not_for_drop_in":           {"该托位不能临时登记", "整月全日托是入托报名，不能作为临时托在门口登记。", "Not a drop-in place", "A month of full-day care is enrolment, not a drop-in at the door."},
	"slot_not_running":               {"该时段未在进行", "该托位的时段（{start} 开始）不包括现在。", "Slot not running", "The slot (starting {start}) is not running now."},
	"daily_report_not_found":         {"日报不存在", "这一天还没有该幼儿的日报。", "Daily report not found", "There is no report of the child for that day."},
	"daily_report_invalid":           {"日报内容有误", "请检查标注的字段（照片须放在 {photoKeyPrefix} 下）。", "Invalid daily report", "Check the fields listed (photos go under {photoKeyPrefix})."},
	"daily_report_already_published": {"日报已发布", "这一天的日报已于 {at} 发布，如需修改请提交更正并说明原因。", "Already published", "The report was published at {at}; change it with a correction and its reason."},
	"daily_report_empty":             {"日报为空", "日报还没有任何内容，不能发布。", "Empty report", "The report has nothing in it yet."},
	"correction_reason_required":     {"需要更正原因", "日报已发布，修改须说明原因，家长会看到。", "Correction reason required", "The report is published; say why it changes (the family sees it)."},
	"daily_report_day_not_begun":     {"这一天还没到", "不能填写或发布还没开始的一天的日报。", "Day not begun", "A report cannot be written before its day begins."},
	"daily_report_corrections_full":  {"更正次数已达上限", "每份日报最多更正 {max} 次。", "Too many corrections", "A report can be corrected at most {max} times."},
	"month_invalid":                  {"月份有误", "月份格式为 YYYY-MM。", "Invalid month", "A month is YYYY-MM."},
	"subsidy_rate_invalid":           {"补贴标准有误", "请检查标注的字段。", "Invalid subsidy rate", "Check the fields listed."},
	"subsidy_rate_retroactive":       {"不能追溯设置补贴标准", "{from} 已结束，已按当时的标准结算；请从 {current} 或之后的月份开始。", "Not retroactively", "{from} is over and was settled at its rate; start from {current} or later."},
	"subsidy_rate_not_found":         {"补贴标准不存在", "该地区没有补贴标准。", "No subsidy rate", "The region has no subsidy rate."},
}

var (
	supportedLangs = []language.Tag{language.SimplifiedChinese, language.English}
	langMatcher    = language.NewMatcher(supportedLangs)
)

// lang picks zh-CN unless the client prefers English.
func lang(acceptLanguage string) string {
	if acceptLanguage == "" {
		return "zh-CN"
	}
	tags, _, err := language.ParseAcceptLanguage(acceptLanguage)
	if err != nil || len(tags) == 0 {
		return "zh-CN"
	}
	_, i, conf := langMatcher.Match(tags...)
	if conf == language.No || i == 0 {
		return "zh-CN"
	}
	return "en"
}

// localize returns the title and detail of code in lang.
func localize(code, lang string, params map[string]any) (string, string) {
	m, ok := messages[code]
	if !ok {
		m = messages["internal"]
	}
	title, detail := m.zhTitle, m.zhDetail
	if lang == "en" {
		title, detail = m.enTitle, m.enDetail
	}
	if strings.Contains(detail, "{") {
		pairs := make([]string, 0, 2*len(params))
		for k, v := range params {
			pairs = append(pairs, "{"+k+"}", fmt.Sprint(v))
		}
		detail = strings.NewReplacer(pairs...).Replace(detail)
	}
	return title, detail
}

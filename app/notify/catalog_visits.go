package notify

import (
	"time"

	"github.com/kincare/kincare/domain/event"
	"github.com/kincare/kincare/domain/identity"
	"github.com/kincare/kincare/domain/notification"
	"github.com/kincare/kincare/domain/visit"
)

// eventTimeBankCredited is app/visits.EventCredited (notify imports no
// use-case package).
const eventTimeBankCredited event.Type = "timebank.credited"

// visitKinds are the words of monthly visits (探访) and the time bank.
// They name the elder, never what the visitor assessed: that is read in
// the app.
func visitKinds() map[event.Type]Kind {
	kind := func(cat notification.Category, ttl time.Duration, zh, en Text) Kind {
		return Kind{Category: cat, TTL: ttl, Text: map[identity.Locale]Text{identity.LocaleZhCN: zh, identity.LocaleEn: en}}
	}
	day := 24 * time.Hour
	return map[event.Type]Kind{
		visit.EventRecorded: kind(notification.CategoryCareAlerts, 3*day,
			Text{"探访已完成：{elder}", "社区探访人员已探访 {elder}（{month}），探访记录和建议见 kincare。"},
			Text{"Visit made: {elder}", "A community visitor has visited {elder} ({month}); the visit's record and suggestions are in kincare."}),
		visit.EventMarked: kind(notification.CategoryFamily, 7*day,
			Text{"关爱登记已更新：{elder}", "社区或民政部门更新了 {elder} 的特殊困难老人登记，登记在册的老人每月都会有人探访。详情见 kincare。"},
			Text{"Care record updated: {elder}", "The community or civil-affairs office updated {elder}'s record as a vulnerable elder; elders on record are visited every month. Details are in kincare."}),
		visit.EventVisitorAssigned: kind(notification.CategoryAccount, 7*day,
			Text{"新的探访对象", "您已被安排每月探访 {elder}，探访计划见 kincare。"},
			Text{"A new elder to visit", "You have been asked to visit {elder} every month; your visit plan is in kincare."}),
		visit.EventQuiet: kind(notification.CategoryCareAlerts, 3*day,
			Text{"老人两个月未被探访：{elder}", "{elder} 自 {since} 起已 {months} 个月无人探访，请尽快安排探访。"},
			Text{"Unvisited for two months: {elder}", "Nobody has visited {elder} since {since} ({months} months). Please arrange a visit soon."}),
		visit.EventVolunteerVerified: kind(notification.CategoryAccount, 7*day,
			Text{"志愿者认证已通过", "服务站已认证您的志愿者身份，探访服务时长将计入您的时间银行。"},
			Text{"Volunteer verified", "The station verified you as a volunteer; the minutes of your visits are banked in your time bank."}),
		eventTimeBankCredited: kind(notification.CategoryAccount, 7*day,
			Text{"时间银行入账 {minutes} 分钟", "您探访 {elder} 的 {minutes} 分钟已存入时间银行。"},
			Text{"{minutes} minutes banked", "The {minutes} minutes of your visit to {elder} are in your time bank."}),
	}
}

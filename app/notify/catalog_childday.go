package notify

import (
	"time"

	"github.com/kincare/kincare/domain/attendance"
	"github.com/kincare/kincare/domain/child"
	"github.com/kincare/kincare/domain/dailyreport"
	"github.com/kincare/kincare/domain/event"
	"github.com/kincare/kincare/domain/identity"
	"github.com/kincare/kincare/domain/notification"
)

// childDayKinds are the words of the childcare day. Times are the
// provider's clock. A refused pickup and a room over its ratio cut
// through quiet hours: someone tried to take a child, or too few adults
// watch too many children.
func childDayKinds() map[event.Type]Kind {
	kind := func(t event.Type, c notification.Category, ttl time.Duration, zh, en Text) Kind {
		return Kind{Category: c, Urgent: attendance.Urgent(t), TTL: ttl,
			Text: map[identity.Locale]Text{identity.LocaleZhCN: zh, identity.LocaleEn: en}}
	}
	care, d := notification.CategoryCareAlerts, 24*time.Hour
	return map[event.Type]Kind{
		attendance.EventCheckedIn: kind(attendance.EventCheckedIn, care, d,
			Text{"已入托", "{child}已于 {atLocal} 入托，晨检体温 {temperature}℃。"},
			Text{"Dropped off", "{child} arrived at {atLocal}; morning check {temperature} °C."}),
		attendance.EventCheckedOut: kind(attendance.EventCheckedOut, care, d,
			Text{"已接走", "{child}已于 {atLocal} 由{pickup}接走。"},
			Text{"Picked up", "{child} was picked up at {atLocal} by {pickup}."}),
		attendance.EventPickupRefused: kind(attendance.EventPickupRefused, care, d,
			Text{"接送被拒：来人不在授权名单", "{atLocal} 有人（自称{person}）要接走{child}，不在授权接送名单上，机构已拒绝交接，孩子仍在园内。如非您安排，请立即联系机构。"},
			Text{"Pickup refused: not authorized", "At {atLocal} someone calling themselves {person} tried to collect {child} and is not on the authorized list; the provider refused and {child} is still in care. If you did not send them, call the provider now."}),
		attendance.EventLatePickup: kind(attendance.EventLatePickup, care, 3*d,
			Text{"接送晚了", "{child}应在 {dueLocal} 前接走，{atLocal} 才接走，晚了 {lateMinutes} 分钟。"},
			Text{"Late pickup", "{child} was due to be collected by {dueLocal} and was collected at {atLocal}, {lateMinutes} minutes late."}),
		attendance.EventRatioBreached: kind(attendance.EventRatioBreached, care, 12*time.Hour,
			Text{"师幼比超标：{room}", "{room} {atLocal} 在班幼儿 {children} 名，在岗保育人员 {staff} 名，超出 {ratio} 的配比要求，请立即增派人员。"},
			Text{"Ratio breached: {room}", "{room} at {atLocal}: {children} children with {staff} staff on duty, beyond the {ratio} ratio. Send staff now."}),
		attendance.EventRatioRestored: kind(attendance.EventRatioRestored, care, 12*time.Hour,
			Text{"师幼比已恢复：{room}", "{room} 自 {sinceLocal} 起的超标已于 {atLocal} 解除（在班幼儿 {children} 名，保育人员 {staff} 名）。"},
			Text{"Ratio restored: {room}", "{room} is within its ratio again at {atLocal} (since {sinceLocal}; {children} children, {staff} staff)."}),
		attendance.EventAbsenceReported: kind(attendance.EventAbsenceReported, care, 3*d,
			Text{"家长请假", "{child} {from} 至 {to} 请假。"},
			Text{"Absence reported", "{child} will be away from {from} to {to}."}),
		attendance.EventAbsenceStreak: kind(attendance.EventAbsenceStreak, care, 3*d,
			Text{"连续缺勤提醒", "{child}自 {since} 起已连续缺勤 {days} 个托育日，请联系家长。"},
			Text{"Absent several days", "{child} has been away {days} booked days in a row since {since}. Please contact the family."}),
		dailyreport.EventPublished: {Category: care, TTL: 3 * d,
			Text: map[identity.Locale]Text{
				identity.LocaleZhCN: {"今日成长日报", "{child} {date} 的成长日报已发布，来看看宝宝今天吃得怎么样、睡得好不好。"},
				identity.LocaleEn:   {"Today's daily report", "{child}'s report for {date} is ready: meals, naps and more."},
			}},
		dailyreport.EventCorrected: {Category: care, TTL: 3 * d,
			Text: map[identity.Locale]Text{
				identity.LocaleZhCN: {"成长日报已更正", "{date} 的成长日报已更正（第 {version} 版）：{reason}"},
				identity.LocaleEn:   {"Daily report corrected", "The report for {date} was corrected (version {version}): {reason}"},
			}},
		child.EventOneTimePickupAdded: {Category: care, TTL: d,
			Text: map[identity.Locale]Text{
				identity.LocaleZhCN: {"今日临时接送人", "{pickup}（{relation}）今天可以接{child}，授权到 {until} 为止。如有疑问，请立即联系机构。"},
				identity.LocaleEn:   {"Pickup person for today", "{pickup} ({relation}) may collect {child} today, until {until}. If this is unexpected, call the provider now."},
			}},
	}
}

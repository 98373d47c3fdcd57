package notify

import (
	"time"

	"github.com/kincare/kincare/domain/complaint"
	"github.com/kincare/kincare/domain/event"
	"github.com/kincare/kincare/domain/identity"
	"github.com/kincare/kincare/domain/notification"
)

// complaintKinds are the words for each step of a complaint. They name
// the provider and the deadline in its zone, never what the family wrote
// (a push sits on a lock screen). Complaints are about the family's
// orders and bookings, so they share the orders category.
func complaintKinds() map[event.Type]Kind {
	kind := func(zh, en Text) Kind {
		return Kind{Category: notification.CategoryOrders, TTL: 3 * 24 * time.Hour,
			Text: map[identity.Locale]Text{identity.LocaleZhCN: zh, identity.LocaleEn: en}}
	}
	return map[event.Type]Kind{
		// The family and the provider's office both hear of it, in words
		// that fit both.
		complaint.EventFiled: kind(
			Text{"新的投诉", "关于「{provider}」的投诉已提交，机构须在 {respondByLocal} 前回复，逾期将自动提交监管部门。"},
			Text{"New complaint", "A complaint about “{provider}” was filed; the provider must answer by {respondByLocal}, or it goes to the regulator."}),
		complaint.EventResponded: kind(
			Text{"投诉已回复", "「{provider}」已回复您的投诉。请查看并确认是否接受，不满意可提交监管部门。"},
			Text{"Complaint answered", "“{provider}” has answered your complaint. Accept it, or take it to the regulator."}),
		complaint.EventEscalated: kind(
			Text{"投诉已提交监管部门", "关于「{provider}」的投诉已提交监管部门处理。"},
			Text{"Complaint with the regulator", "The complaint about “{provider}” is now with the regulator."}),
		complaint.EventResolved: kind(
			Text{"投诉已解决", "家属已接受「{provider}」对投诉的回复，投诉已解决。"},
			Text{"Complaint resolved", "The family accepted “{provider}”’s answer; the complaint is resolved."}),
		complaint.EventDecided: kind(
			Text{"监管部门已作出处理决定", "关于「{provider}」的投诉，监管部门已作出处理决定，请在 kincare 中查看。"},
			Text{"Regulator's decision", "The regulator has decided on the complaint about “{provider}”. See it in kincare."}),
	}
}

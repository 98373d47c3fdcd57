package notify

import (
	"time"

	"github.com/kincare/kincare/domain/event"
	"github.com/kincare/kincare/domain/identity"
	"github.com/kincare/kincare/domain/notification"
	"github.com/kincare/kincare/domain/order"
)

// orderKinds are the words for every state change of a home-care order.
// Times are the window's start in the family's zone; nothing names the
// elder's address or phone, which would sit on a lock screen.
func orderKinds() map[event.Type]Kind {
	kind := func(t event.Type, ttl time.Duration, zh, en Text) Kind {
		return Kind{Category: notification.CategoryOrders, Collapse: true, TTL: ttl,
			// An offer must reach the caregiver within its minutes.
			Urgent: order.Urgent(t) || t == order.EventOffered,
			Text:   map[identity.Locale]Text{identity.LocaleZhCN: zh, identity.LocaleEn: en}}
	}
	h, d := time.Hour, 24*time.Hour
	return map[event.Type]Kind{
		order.EventCreated: kind(order.EventCreated, d,
			Text{"新订单待派单", "有一笔 {windowStartLocal} 的上门服务订单等待派单。"},
			Text{"New order to dispatch", "A home visit on {windowStartLocal} is waiting to be dispatched."}),
		order.EventDispatched: kind(order.EventDispatched, h,
			Text{"订单待派单", "{windowStartLocal} 的订单需要派单：请邀请或指派护理员。"},
			Text{"Order to dispatch", "The visit on {windowStartLocal} needs a caregiver: offer or assign it."}),
		order.EventOffered: kind(order.EventOffered, 10*time.Minute,
			Text{"新的服务邀请", "{windowStartLocal} 有一单上门服务，请尽快接单或拒绝。"},
			Text{"New job offer", "A home visit on {windowStartLocal} is offered to you. Accept or decline soon."}),
		order.EventDeclined: kind(order.EventDeclined, h,
			Text{"护理员已拒单", "{windowStartLocal} 的订单被一位护理员拒绝，请继续派单。"},
			Text{"Offer declined", "A caregiver declined the visit on {windowStartLocal}; dispatch it again."}),
		order.EventAssigned: kind(order.EventAssigned, d,
			Text{"已安排护理员", "{windowStartLocal} 的上门服务已安排护理员。"},
			Text{"Caregiver assigned", "A caregiver is assigned to the visit on {windowStartLocal}."}),
		order.EventAccepted: kind(order.EventAccepted, d,
			Text{"护理员已接单", "{windowStartLocal} 的上门服务已有护理员接单。"},
			Text{"Caregiver confirmed", "A caregiver accepted the visit on {windowStartLocal}."}),
		order.EventEnRoute: kind(order.EventEnRoute, h,
			Text{"护理员已出发", "护理员正在前往，预约时间 {windowStartLocal}。"},
			Text{"Caregiver on the way", "The caregiver is on the way for {windowStartLocal}."}),
		order.EventArrived: kind(order.EventArrived, h,
			Text{"护理员已到达", "护理员已到达老人家中并签到。"},
			Text{"Caregiver arrived", "The caregiver has arrived and checked in."}),
		order.EventServiceBegan: kind(order.EventServiceBegan, h,
			Text{"服务已开始", "上门服务已开始。"},
			Text{"Service started", "The home visit has started."}),
		order.EventCompleted: kind(order.EventCompleted, 3*d,
			Text{"服务已完成", "上门服务已完成，用时 {durationMinutes} 分钟，请查看服务记录并确认。"},
			Text{"Service completed", "The visit is done ({durationMinutes} min). Review the record and confirm."}),
		order.EventConfirmed: kind(order.EventConfirmed, 3*d,
			Text{"服务已确认", "{windowStartLocal} 的服务已确认完成。"},
			Text{"Service confirmed", "The visit on {windowStartLocal} is confirmed."}),
		order.EventCancelledByFamily: kind(order.EventCancelledByFamily, d,
			Text{"订单已取消", "{windowStartLocal} 的订单已被家属取消。"},
			Text{"Order cancelled", "The family cancelled the visit on {windowStartLocal}."}),
		order.EventCancelledByProvider: kind(order.EventCancelledByProvider, d,
			Text{"服务商取消了订单", "{windowStartLocal} 的上门服务已被服务商取消：{reason}"},
			Text{"Provider cancelled", "The provider cancelled the visit on {windowStartLocal}: {reason}"}),
		order.EventRedispatched: kind(order.EventRedispatched, d,
			Text{"正在更换护理员", "{windowStartLocal} 的订单正在重新派单：{reason}"},
			Text{"Changing caregiver", "The visit on {windowStartLocal} is being reassigned: {reason}"}),
		order.EventNoShowCaregiver: kind(order.EventNoShowCaregiver, d,
			Text{"护理员未到", "{windowStartLocal} 的护理员未按时到达，已记录。"},
			Text{"Caregiver did not come", "The caregiver did not come for {windowStartLocal}; this is recorded."}),
		order.EventNoShowRecipient: kind(order.EventNoShowRecipient, d,
			Text{"未能上门服务", "护理员于 {windowStartLocal} 上门时无人应答，已记录。"},
			Text{"Nobody at home", "Nobody answered the door for the visit on {windowStartLocal}; this is recorded."}),
		order.EventExpired: kind(order.EventExpired, d,
			Text{"订单已过期", "{windowStartLocal} 的订单在开始前无人接单，已自动关闭。"},
			Text{"Order expired", "Nobody accepted the visit on {windowStartLocal} before it was due; it is closed."}),
		order.EventHandedBack: kind(order.EventHandedBack, d,
			Text{"订单需重新派单", "{windowStartLocal} 的订单原定护理员已不在该服务商任职，订单已退回重新派单。"},
			Text{"Visit to reassign", "The caregiver for the visit on {windowStartLocal} no longer works for the provider; the visit is back in dispatch."}),
		order.EventCaregiverLeft: kind(order.EventCaregiverLeft, d,
			Text{"服务中的护理员已离职", "{windowStartLocal} 的上门服务正在进行，但护理员已不在本机构任职：请联系家属和护理员，并处理该订单。"},
			Text{"Caregiver left during a visit", "The visit on {windowStartLocal} is under way, but its caregiver no longer works for you: call the family and the caregiver, then resolve the order."}),
		order.EventRated: kind(order.EventRated, 3*d,
			Text{"收到新的评价", "{windowStartLocal} 的上门服务获得 {stars} 星评价。"},
			Text{"New rating", "The visit on {windowStartLocal} was rated {stars} stars."}),
		order.EventComplaintSuggested: kind(order.EventComplaintSuggested, 7*d,
			Text{"需要投诉吗？", "您给 {windowStartLocal} 的服务打了 {stars} 星。如果服务有问题，可以在订单中发起投诉，服务商须在规定时间内回复。"},
			Text{"Do you want to complain?", "You rated the visit on {windowStartLocal} {stars} stars. If something went wrong, you can file a complaint from the order; the provider must answer in time."}),
	}
}

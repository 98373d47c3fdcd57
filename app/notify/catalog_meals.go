package notify

import (
	"time"

	"github.com/kincare/kincare/domain/event"
	"github.com/kincare/kincare/domain/identity"
	"github.com/kincare/kincare/domain/notification"
	"github.com/kincare/kincare/domain/reservation"
)

// mealKinds are the words for meal aid (助餐): a meal ordered for an
// elder, and cancelled by the family or by the canteen. Times are the
// window's start in the canteen's zone; no names travel in the events.
func mealKinds() map[event.Type]Kind {
	kind := func(t event.Type, ttl time.Duration, zh, en Text) Kind {
		return Kind{Category: notification.CategoryBookings, Urgent: reservation.Urgent(t), TTL: ttl,
			Text: map[identity.Locale]Text{identity.LocaleZhCN: zh, identity.LocaleEn: en}}
	}
	d := 24 * time.Hour
	return map[event.Type]Kind{
		reservation.EventMealConfirmed: kind(reservation.EventMealConfirmed, d,
			Text{"助餐已预订", "已为老人预订 {startLocal} 开餐的一份餐食。截止时间前可修改或取消。"},
			Text{"Meal ordered", "A meal serving from {startLocal} is ordered for your elder. You can change or cancel it until the cutoff."}),
		reservation.EventMealCancelledByFamily: kind(reservation.EventMealCancelledByFamily, d,
			Text{"助餐已取消", "{startLocal} 开餐的餐食已取消，补贴已退回。"},
			Text{"Meal cancelled", "The meal serving from {startLocal} was cancelled; its subsidy is returned."}),
		reservation.EventMealCancelledByProvider: kind(reservation.EventMealCancelledByProvider, d,
			Text{"食堂取消了餐食", "{startLocal} 开餐的餐食已被食堂取消：{reason}。补贴已退回，请为老人另作安排。"},
			Text{"Meal cancelled by the canteen", "The canteen cancelled the meal serving from {startLocal}: {reason}. The subsidy is returned; please make other arrangements for your elder."}),
	}
}

package notify

import (
	"time"

	"github.com/kincare/kincare/domain/event"
	"github.com/kincare/kincare/domain/identity"
	"github.com/kincare/kincare/domain/meal"
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
		meal.EventServed: {Category: notification.CategoryBookings, TTL: d,
			Text: map[identity.Locale]Text{
				identity.LocaleZhCN: {"老人已取餐", "{startLocal} 开餐的餐食已于 {atLocal} 在食堂交付（堂食或取餐）。"},
				identity.LocaleEn:   {"Meal collected", "The meal serving from {startLocal} was handed over at the canteen at {atLocal} (eaten in or collected)."},
			}},
		meal.EventDelivered: {Category: notification.CategoryBookings, TTL: d,
			Text: map[identity.Locale]Text{
				identity.LocaleZhCN: {"餐食已送达", "{startLocal} 开餐的餐食已于 {atLocal} 由食堂送达（上门或配送餐点）。"},
				identity.LocaleEn:   {"Meal delivered", "The meal serving from {startLocal} was delivered by the canteen at {atLocal} (at the door or the pick-up point)."},
			}},
		// Urgent: a subscribed elder who did not collect or receive the
		// meal by the end of its window is an early sign something is
		// wrong, and cuts through quiet hours.
		meal.EventMissed: {Category: notification.CategoryBookings, Urgent: true, TTL: 6 * time.Hour,
			Text: map[identity.Locale]Text{
				identity.LocaleZhCN: {"老人未取餐", "订阅的餐食（{startLocal} 开餐）到 {endLocal} 供餐结束仍未取餐或送达。请尽快联系老人确认是否安好。"},
				identity.LocaleEn:   {"Meal not collected", "The subscribed meal serving from {startLocal} was not collected or delivered by the end of its window at {endLocal}. Please check on your elder now."},
			}},
		meal.EventSubscriptionSkipped: {Category: notification.CategoryBookings, TTL: d,
			Text: map[identity.Locale]Text{
				identity.LocaleZhCN: {"订阅的餐食本次未能预订",
					"{startLocal} 的订阅餐食未能自动预订（可能是食堂休息、份数已订完或菜单与老人饮食禁忌冲突），本次已跳过，之后照常预订。请打开 kincare 查看原因，必要时为老人另作安排。"},
				identity.LocaleEn: {"Subscribed meal not ordered",
					"The subscribed meal serving from {startLocal} could not be ordered (the canteen may be closed, sold out, or serve nothing your elder may eat), so it is skipped; later days go on. Open kincare to see why and make other arrangements if needed."},
			}},
	}
}

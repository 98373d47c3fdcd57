package notify

import (
	"time"

	"github.com/kincare/kincare/domain/event"
	"github.com/kincare/kincare/domain/identity"
	"github.com/kincare/kincare/domain/notification"
	"github.com/kincare/kincare/domain/reservation"
)

// bookingKinds are the words for places, holds and waitlists. Times are
// the slot's start in its provider's zone; nothing names the child.
func bookingKinds() map[event.Type]Kind {
	kind := seatKind
	d := 24 * time.Hour
	return map[event.Type]Kind{
		reservation.EventConfirmed: kind(reservation.EventConfirmed, 3*d,
			Text{"托位已预订", "{startLocal} 开始的托位已确认预订。"},
			Text{"Place booked", "The childcare place starting {startLocal} is booked."}),
		reservation.EventCancelledByFamily: kind(reservation.EventCancelledByFamily, 3*d,
			Text{"托位已取消", "{startLocal} 开始的托位已被家长取消。"},
			Text{"Place cancelled", "The family cancelled the place starting {startLocal}."}),
		reservation.EventCancelledByProvider: kind(reservation.EventCancelledByProvider, 3*d,
			Text{"机构取消了托位", "{startLocal} 开始的托位已被机构取消：{reason}"},
			Text{"Place cancelled by the provider", "The provider cancelled the place starting {startLocal}: {reason}"}),
		reservation.EventWaitlistPromoted: kind(reservation.EventWaitlistPromoted, time.Hour,
			Text{"候补成功：托位已为您保留", "{startLocal} 开始的托位已为您保留至 {expiresAtLocal}，请在此之前确认。"},
			Text{"A place is held for you", "A place starting {startLocal} is held for you until {expiresAtLocal}. Confirm it before then."}),
		reservation.EventPlacesChanged: kind(reservation.EventPlacesChanged, d,
			Text{"托位已更新", "{startLocal} 开始的托位数量或预订已更新。"},
			Text{"Places updated", "The places starting {startLocal} or their bookings were updated."}),
		reservation.EventHoldExpiring: kind(reservation.EventHoldExpiring, 5*time.Minute,
			Text{"保留即将到期", "您保留的名额 5 分钟后释放，请尽快确认。"},
			Text{"Hold expiring", "The place you hold is released in 5 minutes. Confirm it soon."}),
	}
}

// seatKind is a kind of the reservation engine's events, a place's or a
// class seat's: in the bookings category, urgent as the engine says.
func seatKind(t event.Type, ttl time.Duration, zh, en Text) Kind {
	return bilingual(notification.CategoryBookings, reservation.Urgent(t), ttl, zh, en)
}

// bilingual is a kind with its words in Chinese and English.
func bilingual(c notification.Category, urgent bool, ttl time.Duration, zh, en Text) Kind {
	return Kind{Category: c, Urgent: urgent, TTL: ttl,
		Text: map[identity.Locale]Text{identity.LocaleZhCN: zh, identity.LocaleEn: en}}
}

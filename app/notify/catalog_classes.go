package notify

import (
	"time"

	"github.com/kincare/kincare/domain/course"
	"github.com/kincare/kincare/domain/event"
	"github.com/kincare/kincare/domain/notification"
	"github.com/kincare/kincare/domain/reservation"
)

// classKinds are the words for parenting classes (父母课堂): seats booked,
// cancelled and offered from the waitlist, reminders before a session,
// and a session moved or called off. Times are the session's start in
// its organiser's zone; {title} is the course's published title.
func classKinds() map[event.Type]Kind {
	d := 24 * time.Hour
	seat := seatKind
	session := func(t event.Type, ttl time.Duration, zh, en Text) Kind {
		return bilingual(notification.CategoryBookings, course.Urgent(t), ttl, zh, en)
	}
	return map[event.Type]Kind{
		reservation.EventClassConfirmed: seat(reservation.EventClassConfirmed, 3*d,
			Text{"课程已预约", "{startLocal} 开始的课程座位已为您预约。"},
			Text{"Class booked", "Your seat at the class starting {startLocal} is booked."}),
		reservation.EventClassCancelledByFamily: seat(reservation.EventClassCancelledByFamily, 3*d,
			Text{"课程预约已取消", "{startLocal} 开始的课程座位已取消。"},
			Text{"Class booking cancelled", "The seat at the class starting {startLocal} was cancelled."}),
		reservation.EventClassCancelledByProvider: seat(reservation.EventClassCancelledByProvider, 3*d,
			Text{"主办方取消了您的课程", "{startLocal} 开始的课程已被主办方取消：{reason}。付费课程的费用已全部释放，无需支付。"},
			Text{"Class cancelled by the organiser", "The organiser cancelled your class starting {startLocal}: {reason}. For a paid class, the amount held is released in full; nothing is owed."}),
		reservation.EventClassOffered: seat(reservation.EventClassOffered, time.Hour,
			Text{"候补到座位了", "{startLocal} 开始的课程有座位空出，已为您保留至 {expiresAtLocal}。请在此之前预约，否则将让给下一位；不预约不会产生任何费用。"},
			Text{"A seat is offered to you", "A seat at the class starting {startLocal} is held for you until {expiresAtLocal}. Book it before then or it passes to the next person; nothing is booked or charged unless you do."}),
		reservation.EventClassHoldExpiring: seat(reservation.EventClassHoldExpiring, 5*time.Minute,
			Text{"座位保留即将到期", "为您保留的课程座位 5 分钟后让给下一位。"},
			Text{"Seat offer expiring", "The class seat held for you passes on in 5 minutes."}),
		course.EventReminder: session(course.EventReminder, 2*time.Hour,
			Text{"课程提醒", "「{title}」将于 {startLocal} 开始。"},
			Text{"Class reminder", "“{title}” starts at {startLocal}."}),
		course.EventRescheduled: session(course.EventRescheduled, d,
			Text{"课程时间已变更", "「{title}」由 {previousStartLocal} 改为 {startLocal} 开始，您的座位保留。如不能参加，请在取消截止前取消。"},
			Text{"Class rescheduled", "“{title}” moved from {previousStartLocal} to {startLocal}. Your seat is kept; if you cannot come, cancel before the cutoff."}),
		course.EventCancelled: session(course.EventCancelled, d,
			Text{"课程已取消", "您候补的「{title}」（{startLocal}）已被主办方取消：{reason}"},
			Text{"Class cancelled", "“{title}” ({startLocal}), which you were waiting for, was cancelled by the organiser: {reason}"}),
		course.EventWaitlistClosed: session(course.EventWaitlistClosed, d,
			Text{"候补已结束", "「{title}」（{startLocal}）已截止预约，候补未能获得座位，不会产生任何费用。"},
			Text{"Waitlist closed", "Booking for “{title}” ({startLocal}) has closed and no seat came free for you. Nothing is booked or charged."}),
		course.EventRestricted: bilingual(notification.CategoryBookings, false, 30*d,
			Text{"课程预约受限", "您在 {windowDays} 天内有 {noShows} 次预约了课程却未到场，{untilLocal} 前不能直接预约课程，只能候补免费课程（候补到座位时仍可确认）。"},
			Text{"Class booking restricted", "You booked and missed {noShows} classes within {windowDays} days, so until {untilLocal} you cannot book classes directly; you may still wait for seats of free classes and accept the seat offered to you."}),
	}
}

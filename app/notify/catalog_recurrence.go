package notify

import (
	"time"

	"github.com/kincare/kincare/domain/event"
	"github.com/kincare/kincare/domain/identity"
	"github.com/kincare/kincare/domain/notification"
	"github.com/kincare/kincare/domain/recurrence"
)

// recurrenceKinds are the words of recurring orders. The reason's code
// travels in the data for the app to explain; the text names the visit's
// local time only.
func recurrenceKinds() map[event.Type]Kind {
	return map[event.Type]Kind{
		recurrence.EventOccurrenceSkipped: {
			Category: notification.CategoryOrders, TTL: 3 * 24 * time.Hour,
			Text: map[identity.Locale]Text{
				identity.LocaleZhCN: {"定期服务本次未能下单",
					"{windowStartLocal} 的定期上门服务未能自动下单（可能是价格调整、补贴已用完或服务机构暂停服务），本次已跳过，之后的服务照常安排。请打开 kincare 查看原因。"},
				identity.LocaleEn: {"Recurring visit not ordered",
					"The recurring home visit on {windowStartLocal} could not be ordered (the price may have changed, the allowance run out or the provider closed), so it is skipped; later visits go on as planned. Open kincare to see why."},
			},
		},
	}
}

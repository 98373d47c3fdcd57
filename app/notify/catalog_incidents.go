package notify

import (
	"time"

	"github.com/kincare/kincare/domain/event"
	"github.com/kincare/kincare/domain/homedevice"
	"github.com/kincare/kincare/domain/identity"
	"github.com/kincare/kincare/domain/incident"
	"github.com/kincare/kincare/domain/notification"
)

// incidentKinds are the words of an elder's alarm and its ladder. They
// name the elder, never the address or health (a push sits on a lock
// screen); the people called read those in the app while the alarm is
// live. Every call cuts through quiet hours: it is what the ladder is
// for.
func incidentKinds() map[event.Type]Kind {
	kind := func(urgent bool, zh, en Text) Kind {
		return Kind{Category: notification.CategoryCareAlerts, Urgent: urgent, TTL: time.Hour,
			Text: map[identity.Locale]Text{identity.LocaleZhCN: zh, identity.LocaleEn: en}}
	}
	return map[event.Type]Kind{
		incident.EventRaised: kind(true,
			Text{"紧急求助：{elder}", "{elder} 发出了紧急报警。请立即打开 kincare 确认由您处理；无人确认时将依次通知紧急联系人、社区值班人员和平台值班员。"},
			Text{"Emergency: {elder}", "{elder} raised an alarm. Open kincare now and acknowledge it; if nobody does, the emergency contacts, the community station on duty and the platform's operator are called in turn."}),
		incident.EventEscalated: kind(true,
			Text{"紧急求助：{elder}", "{elder} 的紧急报警家人未能及时确认。请立即打开 kincare 查看地址与联系人，并确认由您处理。"},
			Text{"Emergency: {elder}", "{elder}'s alarm was not acknowledged by the family in time. Open kincare now for the address and contacts, and acknowledge it."}),
		incident.EventOperatorCall: kind(true,
			Text{"报警无人响应：{elder}", "{elder} 的紧急报警家人、紧急联系人和社区值班均未确认。请立即联系老人，无法联系或情况紧急时拨打 120；地址、健康情况和联系人见 kincare。"},
			Text{"Unanswered alarm: {elder}", "Nobody in the family, the emergency contacts or the community station acknowledged {elder}'s alarm. Reach the elder now and call 120 if you cannot or it is urgent; the address, health and contacts are in kincare."}),
		incident.EventAcknowledged: kind(true,
			Text{"报警已有人处理", "{elder} 的紧急报警已有人确认处理，您可在 kincare 中查看经过。"},
			Text{"Alarm acknowledged", "Someone is handling {elder}'s alarm; its timeline is in kincare."}),
		homedevice.EventOffline: kind(false,
			Text{"设备离线：{elder}", "{elder} 家中的设备（序列号 {serial}）已超过 {hours} 小时没有上报，可能电量耗尽、断网或被拆除。离线期间它不能报警，请尽快检查。"},
			Text{"Device offline: {elder}", "The device at {elder}'s home (serial {serial}) has reported nothing for over {hours} hours: a flat battery, no network or taken down. It cannot raise an alarm while offline; please check it soon."}),
		homedevice.EventRegistered: kind(false,
			Text{"设备已登记：{kind}", "已为老人登记一台家中设备（{kind}）。"},
			Text{"Device registered: {kind}", "A home device ({kind}) was registered for the elder."}),
		homedevice.EventRemoved: kind(false,
			Text{"设备已移除：{kind}", "老人家中的一台设备（{kind}）已移除登记。"},
			Text{"Device removed: {kind}", "A home device ({kind}) of the elder was removed."}),
		incident.EventResolved: kind(false,
			Text{"报警已处理完毕", "{elder} 的紧急报警已处理完毕，处理经过见 kincare。"},
			Text{"Alarm resolved", "{elder}'s alarm has been resolved; what happened is in kincare."}),
	}
}

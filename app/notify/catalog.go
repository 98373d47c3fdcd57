package notify

import (
	"maps"
	"strings"
	"time"

	"github.com/kincare/kincare/domain/child"
	"github.com/kincare/kincare/domain/device"
	"github.com/kincare/kincare/domain/elder"
	"github.com/kincare/kincare/domain/event"
	"github.com/kincare/kincare/domain/family"
	"github.com/kincare/kincare/domain/identity"
	"github.com/kincare/kincare/domain/notification"
	"github.com/kincare/kincare/domain/provider"
)

// Kind is how kincare tells people about one event type: the category a
// user can switch off, whether it cuts through quiet hours, whether a
// newer push about the same subject replaces an older one still on the
// phone, how long the push services may keep trying, and the words.
type Kind struct {
	Category notification.Category
	Urgent   bool
	Collapse bool
	TTL      time.Duration
	Text     map[identity.Locale]Text
	// EarlierDevicesOnly pushes only to devices the user had when the
	// event happened: a sign-in notice must not reach the device that
	// signed in after it.
	EarlierDevicesOnly bool
}

// Text is a title and body with {placeholders} filled from the event's
// data.
type Text struct {
	Title string
	Body  string
}

// Catalog is every event kincare announces. A test checks each has both
// languages and that its placeholders are data its events carry.
func Catalog() map[event.Type]Kind {
	kinds := orderKinds()
	maps.Copy(kinds, bookingKinds())
	maps.Copy(kinds, complaintKinds())
	maps.Copy(kinds, childDayKinds())
	maps.Copy(kinds, incidentKinds())
	maps.Copy(kinds, classKinds())
	maps.Copy(kinds, recurrenceKinds())
	maps.Copy(kinds, mealKinds())
	maps.Copy(kinds, visitKinds())
	maps.Copy(kinds, map[event.Type]Kind{
		family.EventInviteReceived: {
			Category: notification.CategoryFamily, TTL: 7 * 24 * time.Hour,
			Text: map[identity.Locale]Text{
				identity.LocaleZhCN: {"家庭邀请", "您被邀请加入家庭「{family}」，打开 kincare 查看并接受。"},
				identity.LocaleEn:   {"Family invitation", "You are invited to join the family “{family}”. Open kincare to accept."},
			},
		},
		family.EventInviteExpiring: {
			Category: notification.CategoryFamily, Collapse: true, TTL: 24 * time.Hour,
			Text: map[identity.Locale]Text{
				identity.LocaleZhCN: {"邀请即将过期", "加入家庭「{family}」的邀请将在 24 小时内过期。"},
				identity.LocaleEn:   {"Invitation expiring", "Your invitation to join “{family}” expires within 24 hours."},
			},
		},
		family.EventMemberJoined: {
			Category: notification.CategoryFamily, TTL: 3 * 24 * time.Hour,
			Text: map[identity.Locale]Text{
				identity.LocaleZhCN: {"新成员加入", "{member} 已加入家庭「{family}」。"},
				identity.LocaleEn:   {"New family member", "{member} joined the family “{family}”."},
			},
		},
		elder.EventAllowanceAdjusted: {
			Category: notification.CategoryFamily, TTL: 7 * 24 * time.Hour,
			Text: map[identity.Locale]Text{
				identity.LocaleZhCN: {"补贴已调整", "监管部门调整了 {period} 的补贴额度：{change}。原因：{reason}"},
				identity.LocaleEn:   {"Allowance adjusted", "A regulator adjusted the allowance for {period}: {change}. Reason: {reason}"},
			},
		},
		child.EventPickupAdded: {
			Category: notification.CategoryCareAlerts, TTL: 3 * 24 * time.Hour,
			Text: map[identity.Locale]Text{
				identity.LocaleZhCN: {"新增接送人", "{pickup}（{relation}）已被授权接送{child}。如有疑问，请立即在 kincare 中撤销。"},
				identity.LocaleEn:   {"New pickup person", "{pickup} ({relation}) may now collect {child}. If this is unexpected, revoke it in kincare now."},
			},
		},
		child.EventPickupRemoved: {
			Category: notification.CategoryCareAlerts, TTL: 3 * 24 * time.Hour,
			Text: map[identity.Locale]Text{
				identity.LocaleZhCN: {"接送人已撤销", "{pickup}（{relation}）已不能再接送{child}。"},
				identity.LocaleEn:   {"Pickup person removed", "{pickup} ({relation}) may no longer collect {child}."},
			},
		},
		provider.EventCertificateExpiring: {
			Category: notification.CategoryAccount, Collapse: true, TTL: 7 * 24 * time.Hour,
			Text: map[identity.Locale]Text{
				identity.LocaleZhCN: {"证书即将到期", "{provider}：编号 {number} 的证书将于 {expiresOn} 到期，到期后不能再承接相关服务，请及时续期。"},
				identity.LocaleEn:   {"Certificate expiring", "{provider}: certificate {number} expires on {expiresOn}; after that it no longer qualifies for its services. Please renew it."},
			},
		},
		provider.EventRegistered: {
			Category: notification.CategoryAccount, TTL: 7 * 24 * time.Hour,
			Text: map[identity.Locale]Text{
				identity.LocaleZhCN: {"机构登记已提交", "「{provider}」的登记已提交，平台审核通过后家庭即可找到并预约。"},
				identity.LocaleEn:   {"Registration received", "“{provider}” is registered; families can find it once the platform has verified it."},
			},
		},
		provider.EventVerificationChanged: {
			Category: notification.CategoryAccount, TTL: 7 * 24 * time.Hour,
			Text: map[identity.Locale]Text{
				identity.LocaleZhCN: {"机构审核结果已更新", "平台更新了「{provider}」的审核结果，详情见 kincare。"},
				identity.LocaleEn:   {"Verification updated", "The platform updated the verification of “{provider}”; details are in kincare."},
			},
		},
		provider.EventCreditChanged: {
			Category: notification.CategoryAccount, TTL: 7 * 24 * time.Hour,
			Text: map[identity.Locale]Text{
				identity.LocaleZhCN: {"信用状态已变更", "监管部门变更了「{provider}」的信用状态，详情见 kincare。"},
				identity.LocaleEn:   {"Credit standing changed", "The regulator changed the credit standing of “{provider}”; details are in kincare."},
			},
		},
		provider.EventUpdated: {
			Category: notification.CategoryAccount, TTL: 24 * time.Hour,
			Text: map[identity.Locale]Text{
				identity.LocaleZhCN: {"机构信息已更新", "「{provider}」的资料或护理员名单已更新。"},
				identity.LocaleEn:   {"Provider updated", "The profile or caregivers of “{provider}” were updated."},
			},
		},
		identity.EventPasswordGuessed: {
			Category: notification.CategoryAccount, Collapse: true, TTL: 24 * time.Hour,
			Text: map[identity.Locale]Text{
				identity.LocaleZhCN: {"有人在尝试您的密码", "过去 {minutes} 分钟内，有人用错误的密码尝试登录您的账号 {failures} 次。如非本人操作，请设置更复杂的密码；您仍可用短信验证码登录。"},
				identity.LocaleEn:   {"Someone is trying your password", "{failures} wrong passwords were tried on your account in the last {minutes} minutes. If this was not you, choose a stronger password; you can still sign in with an SMS code."},
			},
		},
		device.EventRegistered: {
			Category: notification.CategoryAccount, TTL: 24 * time.Hour, EarlierDevicesOnly: true,
			Text: map[identity.Locale]Text{
				identity.LocaleZhCN: {"新设备登录", "您的账号已在一台新设备（{platform}）上登录。如非本人操作，请立即退出登录。"},
				identity.LocaleEn:   {"New sign-in", "Your account was signed in on a new {platform} device. If this was not you, sign out now."},
			},
		},
	})
	return kinds
}

// render fills t's placeholders from data; a missing value renders empty
// rather than leaking "{name}" to a user.
func render(t Text, data map[string]string) Text {
	value := func(name string) string { return data[name] }
	return Text{Title: expand(t.Title, value), Body: expand(t.Body, value)}
}

// placeholders lists the {names} a text uses.
func placeholders(t Text) []string {
	var names []string
	collect := func(name string) string { names = append(names, name); return "" }
	expand(t.Title, collect)
	expand(t.Body, collect)
	return names
}

// expand replaces each {name} in s with value(name).
func expand(s string, value func(name string) string) string {
	var b strings.Builder
	for {
		open := strings.IndexByte(s, '{')
		if open < 0 {
			break
		}
		end := strings.IndexByte(s[open:], '}')
		if end < 0 {
			break
		}
		b.WriteString(s[:open])
		b.WriteString(value(s[open+1 : open+end]))
		s = s[open+end+1:]
	}
	b.WriteString(s)
	return b.String()
}

// text picks the words for locale, falling back to Chinese.
func (k Kind) text(l identity.Locale) Text {
	if t, ok := k.Text[l]; ok {
		return t
	}
	return k.Text[identity.LocaleZhCN]
}

package indicator

// Words are a label in both of kincare's languages.
type Words struct{ ZH, EN string }

// partWords name the slices of breakdowns: service types, provider
// kinds, verification and credit standings. A part without words is
// shown by its key.
var partWords = map[string]Words{
	"meal_aid":       {"助餐", "Meal aid"},
	"bathing":        {"助浴", "Bathing"},
	"cleaning":       {"助洁", "Cleaning"},
	"mobility_help":  {"助行", "Mobility help"},
	"medical_escort": {"助医", "Medical escort"},
	"errands":        {"代购代缴", "Errands"},
	"home_visit":     {"上门探视", "Home visit"},
	"respite_stay":   {"喘息服务", "Respite stay"},
	"day_care":       {"日间照料", "Day care"},
	// Alarm kinds.
	"sos":           {"一键呼叫", "SOS"},
	"fall":          {"跌倒", "Fall"},
	"smoke":         {"烟雾", "Smoke"},
	"door_inactive": {"门磁长时间无活动", "Door inactive"},
	"health_alert":  {"健康告警", "Health alert"},
	"missed_meal":   {"未取餐", "Missed meal"},
}

// PartWords names a breakdown's slice.
func PartWords(key string) Words {
	if w, ok := partWords[key]; ok {
		return w
	}
	return Words{key, key}
}

// Label picks the words of lang ("en", else zh-CN).
func (w Words) Label(lang string) string {
	if lang == "en" {
		return w.EN
	}
	return w.ZH
}

// Words of a definition.
func (d Definition) Words() Words { return Words{d.ZH, d.EN} }

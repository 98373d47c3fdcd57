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
	// Childcare care types.
	"full_day": {"全日托", "Full day"},
	"half_day": {"半日托", "Half day"},
	"hourly":   {"计时托", "Hourly"},
	"drop_in":  {"临时托", "Drop-in"},
	// Provider kinds, verification and credit standings.
	"home_care":             {"居家养老服务", "Home care"},
	"canteen":               {"老年食堂", "Canteen"},
	"day_care_centre":       {"日间照料中心", "Day-care centre"},
	"childcare_institution": {"托育机构", "Childcare institution"},
	"home_childcare_point":  {"家庭托育点", "Home childcare point"},
	"class_organizer":       {"父母课堂", "Parenting classes"},
	"ability_assessment":    {"能力评估机构", "Ability assessment"},
	"pending":               {"待审核", "Pending"},
	"verified":              {"已认证", "Verified"},
	"rejected":              {"未通过", "Rejected"},
	"suspended":             {"已暂停", "Suspended"},
	"normal":                {"正常", "Normal"},
	"red_listed":            {"红名单", "Red list"},
	"black_listed":          {"黑名单", "Black list"},
}

// groupWords name the groups indicators are shown in.
var groupWords = map[string]Words{
	"orders":     {"居家服务订单", "Home-care orders"},
	"complaints": {"投诉", "Complaints"},
	"incidents":  {"紧急呼叫与告警", "Alarms"},
	"meals":      {"助餐", "Meal aid"},
	"visits":     {"特殊困难老年人探访", "Visits to vulnerable elders"},
	"smartCare":  {"智慧养老", "Smart care"},
	"providers":  {"服务机构", "Providers"},
	"caregivers": {"持证养老护理员", "Certified caregivers"},
	"childcare":  {"托育托位", "Childcare places"},
}

// GroupWords names a group of indicators.
func GroupWords(group string) Words {
	if w, ok := groupWords[group]; ok {
		return w
	}
	return Words{group, group}
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

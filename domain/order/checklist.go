package order

import "github.com/kincare/kincare/domain/service"

// Labels are a text in each language kincare speaks.
type Labels struct {
	ZhCN string
	En   string
}

// ChecklistItem is one thing a caregiver ticks off in the service record.
// Codes are stable (stored in records, sent by apps); labels may change.
type ChecklistItem struct {
	Code  string
	Label Labels
}

// checklists are what a caregiver confirms for each kind of service: the
// checks that protect a frail elder (a scald in the bath, a fall on a
// wet floor, a meal they must not eat) and that the family wants to see.
var checklists = map[service.Type][]ChecklistItem{
	service.Bathing: {
		{"water_temperature_checked", Labels{"已测试水温", "Water temperature checked"}},
		{"skin_checked", Labels{"已检查皮肤状况", "Skin checked"}},
		{"floor_dried", Labels{"地面已擦干防滑", "Floor dried against slips"}},
		{"dressed", Labels{"已协助穿衣", "Helped to dress"}},
	},
	service.HomeVisit: {
		{"wellbeing_asked", Labels{"已询问身心状况", "Asked how they are"}},
		{"vitals_taken", Labels{"已测量生命体征", "Vital signs taken"}},
		{"medication_checked", Labels{"已核对用药", "Medication checked"}},
		{"home_safety_checked", Labels{"已检查居家安全", "Home safety checked"}},
	},
	service.MealAid: {
		{"meal_delivered", Labels{"餐食已送达", "Meal delivered"}},
		{"dietary_restrictions_respected", Labels{"已遵守饮食禁忌", "Dietary restrictions respected"}},
		{"meal_served_warm", Labels{"餐食温度适宜", "Meal served warm"}},
	},
	service.Cleaning: {
		{"floors_cleaned", Labels{"地面已清洁", "Floors cleaned"}},
		{"kitchen_cleaned", Labels{"厨房已清洁", "Kitchen cleaned"}},
		{"bathroom_cleaned", Labels{"卫生间已清洁", "Bathroom cleaned"}},
		{"rubbish_removed", Labels{"垃圾已清运", "Rubbish taken out"}},
	},
	service.MedicalEscort: {
		{"picked_up", Labels{"已接到老人", "Picked up"}},
		{"registered", Labels{"已挂号就诊", "Registered and seen"}},
		{"prescription_collected", Labels{"已取药", "Prescription collected"}},
		{"returned_home", Labels{"已安全送回家", "Returned home safely"}},
	},
	service.Errands: {
		{"items_purchased", Labels{"已代购物品", "Items bought"}},
		{"bills_paid", Labels{"已代缴费用", "Bills paid"}},
		{"receipts_handed_over", Labels{"票据已交给老人", "Receipts handed over"}},
	},
	service.MobilityHelp: {
		{"transfer_assisted", Labels{"已协助起身转移", "Helped to get up and move"}},
		{"walk_accompanied", Labels{"已陪同行走", "Accompanied on a walk"}},
		{"aids_checked", Labels{"已检查助行器具", "Walking aids checked"}},
	},
}

// genericChecklist serves the kinds without their own list (respite
// stays, day care): that the service happened and the home is left safe.
var genericChecklist = []ChecklistItem{
	{"service_delivered", Labels{"已按约完成服务", "Service delivered as ordered"}},
	{"wellbeing_asked", Labels{"已询问身心状况", "Asked how they are"}},
	{"home_left_safe", Labels{"离开前已检查门窗水电", "Doors, water and power checked on leaving"}},
}

// Checklist is what a caregiver may tick for a service of type t.
func Checklist(t service.Type) []ChecklistItem {
	items, ok := checklists[t]
	if !ok {
		items = genericChecklist
	}
	out := make([]ChecklistItem, len(items))
	copy(out, items)
	return out
}

func onChecklist(t service.Type, code string) bool {
	for _, it := range Checklist(t) {
		if it.Code == code {
			return true
		}
	}
	return false
}

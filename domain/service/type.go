// Package service names the kinds of care kincare's providers deliver.
package service

// Type is one kind of service on the menu (点菜式).
type Type string

const (
	MealAid       Type = "meal_aid"       // 助餐
	Bathing       Type = "bathing"        // 助浴
	Cleaning      Type = "cleaning"       // 助洁
	MobilityHelp  Type = "mobility_help"  // 助行
	MedicalEscort Type = "medical_escort" // 助医
	Errands       Type = "errands"        // 代购代缴
	HomeVisit     Type = "home_visit"     // 上门探视
	RespiteStay   Type = "respite_stay"   // 喘息服务
	DayCare       Type = "day_care"       // 日间照料
)

var all = []Type{MealAid, Bathing, Cleaning, MobilityHelp, MedicalEscort, Errands, HomeVisit, RespiteStay, DayCare}

// Valid reports whether t is on the menu.
func (t Type) Valid() bool {
	for _, a := range all {
		if a == t {
			return true
		}
	}
	return false
}

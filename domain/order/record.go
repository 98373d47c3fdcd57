package order

import (
	"slices"
	"strconv"
	"time"

	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/upload"
)

// Bounds of a service record, which lives in the order's document.
const (
	MaxRecordNotes = 2000
	MaxPhotos      = 20
)

// ServiceRecord is what the caregiver did: the checklist items of the
// order's service type they ticked, free notes, vital signs if taken,
// and photos by object-store key (the pictures themselves live there,
// under the order's PhotoPrefix).
type ServiceRecord struct {
	Checklist []string
	Notes     string
	Vitals    *Vitals
	PhotoKeys []string
	UpdatedAt time.Time
}

func (r ServiceRecord) clone() ServiceRecord {
	r.Checklist, r.PhotoKeys = slices.Clone(r.Checklist), slices.Clone(r.PhotoKeys)
	if r.Vitals != nil {
		v := *r.Vitals
		r.Vitals = &v
	}
	return r
}

// Vitals are what a caregiver measured; a zero field was not measured.
type Vitals struct {
	SystolicMmHg     int
	DiastolicMmHg    int
	HeartRateBpm     int
	TemperatureDeciC int // tenths of a degree Celsius: 365 is 36.5 °C
}

// vitalRange is what a living elder can show; beyond it the reading or
// the typing is wrong, and a wrong reading in a family's app alarms or
// falsely reassures.
type vitalRange struct {
	field    string
	min, max int
	get      func(Vitals) int
}

var vitalRanges = []vitalRange{
	{"systolicMmHg", 60, 260, func(v Vitals) int { return v.SystolicMmHg }},
	{"diastolicMmHg", 30, 160, func(v Vitals) int { return v.DiastolicMmHg }},
	{"heartRateBpm", 25, 250, func(v Vitals) int { return v.HeartRateBpm }},
	{"temperatureDeciC", 340, 430, func(v Vitals) int { return v.TemperatureDeciC }},
}

// Check refuses readings out of range, naming each field, and a
// diastolic pressure not below the systolic.
func (v Vitals) Check() error {
	var fields []fault.FieldError
	var first map[string]any
	for _, r := range vitalRanges {
		got := r.get(v)
		if got != 0 && (got < r.min || got > r.max) {
			fields = append(fields, fault.FieldError{Field: "/vitals/" + r.field, Code: "range"})
			if first == nil {
				first = map[string]any{"field": r.field, "min": r.min, "max": r.max, "value": got}
			}
		}
	}
	if len(fields) == 0 && v.SystolicMmHg != 0 && v.DiastolicMmHg != 0 && v.DiastolicMmHg >= v.SystolicMmHg {
		fields = append(fields, fault.FieldError{Field: "/vitals/diastolicMmHg", Code: "not_below_systolic"})
		first = map[string]any{"field": "diastolicMmHg"}
	}
	if len(fields) == 0 {
		return nil
	}
	return ErrVitalsOutOfRange.With(first).WithFields(fields...)
}

// WriteRecord replaces the service record. Only the assigned caregiver
// writes it, from the start of service until the family confirms: many
// write it up straight after leaving, none should change it after the
// family has accepted it.
func (o *Order) WriteRecord(by Actor, r ServiceRecord, now time.Time) error {
	const action = "write_record"
	switch {
	case !by.valid() || by.Party != PartyCaregiver:
		return ErrForbidden.With(map[string]any{"action": action})
	case by.UserID != o.caregiverID:
		return ErrNotOffered
	case o.status != StatusInService && o.status != StatusCompleted:
		return ErrTransition.With(map[string]any{"status": string(o.status), "action": action})
	}
	r, err := o.checkRecord(r)
	if err != nil {
		return err
	}
	r.UpdatedAt = now.UTC()
	o.record = &r
	return nil
}

func (o *Order) checkRecord(r ServiceRecord) (ServiceRecord, error) {
	r = r.clone()
	var bad []fault.FieldError
	var ticked []string
	for i, code := range r.Checklist {
		if !onChecklist(o.serviceType, code) {
			bad = append(bad, fault.FieldError{Field: "/checklist/" + strconv.Itoa(i), Code: "not_on_checklist"})
		} else if !slices.Contains(ticked, code) {
			ticked = append(ticked, code)
		}
	}
	if len(bad) > 0 {
		return r, ErrChecklistItem.With(map[string]any{"serviceType": string(o.serviceType)}).WithFields(bad...)
	}
	r.Checklist = ticked
	if r.Vitals != nil {
		if err := r.Vitals.Check(); err != nil {
			return r, err
		}
	}
	v := validator{}
	r.Notes = v.notes("/notes", r.Notes, MaxRecordNotes)
	if len(r.PhotoKeys) > MaxPhotos {
		v.add("/photoKeys", "maxItems")
	}
	for i, k := range r.PhotoKeys {
		switch {
		case !upload.Under(o.PhotoPrefix(), k):
			v.add("/photoKeys/"+strconv.Itoa(i), "not_under_prefix")
		case slices.Index(r.PhotoKeys, k) != i:
			v.add("/photoKeys/"+strconv.Itoa(i), "duplicate")
		}
	}
	return r, v.err(ErrRecordInvalid)
}

// PhotoPrefix is where the photos of this order's visit are stored; the
// record accepts keys under it only.
func (o *Order) PhotoPrefix() string { return upload.Prefix("orders", o.id) }

package elder

import (
	"strconv"

	"github.com/kincare/kincare/domain/calendar"
)

// AbilityLevel is the outcome of an ability assessment (老年人能力评估,
// GB/T 42195-2022): it decides which subsidies and services apply.
type AbilityLevel string

const (
	AbilityIntact   AbilityLevel = "intact"   // 能力完好
	AbilityMild     AbilityLevel = "mild"     // 轻度失能
	AbilityModerate AbilityLevel = "moderate" // 中度失能
	AbilitySevere   AbilityLevel = "severe"   // 重度失能
	AbilityTotal    AbilityLevel = "total"    // 完全失能
)

var abilityLevels = []AbilityLevel{AbilityIntact, AbilityMild, AbilityModerate, AbilitySevere, AbilityTotal}

// AssessmentSource is who stands behind an assessment's record.
type AssessmentSource string

const (
	// SelfReported is the family's own word, whatever body it names: kept
	// and shown, never used to decide eligibility.
	SelfReported AssessmentSource = "self_reported"
	// Official was recorded by an assessing body: a regulator, the
	// platform's administrators, or staff of a provider licensed to assess
	// (老年人能力评估机构). Only these decide eligibility.
	Official AssessmentSource = "official"
)

// Assessment is one assessment, as recorded.
type Assessment struct {
	Level      AbilityLevel
	AssessedOn calendar.Date
	AssessedBy string // e.g. 徐汇区老年人能力评估中心, as written
	Source     AssessmentSource
	RecordedBy string // the user who recorded it
	// ProviderID is the licensed assessment provider an official record
	// was made for; empty for regulators and the platform.
	ProviderID string
}

// IsOfficial reports whether a decides eligibility. Records from before
// sources were kept were all a family's, and count as self-reported.
func (a Assessment) IsOfficial() bool { return a.Source == Official }

// Validate checks an assessment made no later than today.
func (a Assessment) Validate(today calendar.Date) (Assessment, error) {
	v := validator{}
	switch a.Source {
	case "":
		a.Source = SelfReported
	case SelfReported, Official:
	default:
		v.add("/source", "enum")
	}
	ok := false
	for _, l := range abilityLevels {
		ok = ok || a.Level == l
	}
	if !ok {
		v.add("/level", "enum")
	}
	if a.AssessedOn.IsZero() {
		v.add("/assessedOn", "required")
	} else if today.Before(a.AssessedOn) {
		v.add("/assessedOn", "in_future")
	}
	a.AssessedBy = v.text("/assessedBy", a.AssessedBy, maxText, true)
	return a, v.err()
}

// Record adds an assessment to the history; the latest by date is the
// current one, so a late-entered old assessment does not replace it.
func (h *Health) Record(a Assessment) {
	h.AssessmentHistory = append(h.AssessmentHistory, a)
	if h.Assessment == nil || !a.AssessedOn.Before(h.Assessment.AssessedOn) {
		cur := a
		h.Assessment = &cur
	}
}

// Official is the latest official assessment by date, the one that
// decides eligibility; nil when there is none.
func (h Health) Official() *Assessment {
	var out *Assessment
	for i := range h.AssessmentHistory {
		a := &h.AssessmentHistory[i]
		if a.IsOfficial() && (out == nil || !a.AssessedOn.Before(out.AssessedOn)) {
			out = a
		}
	}
	if out == nil {
		return nil
	}
	cur := *out
	return &cur
}

// ValidateConditions cleans the list of health conditions.
func ValidateConditions(conditions []string) ([]string, error) {
	v := validator{}
	if len(conditions) > maxItems {
		v.add("/conditions", "maxItems")
	}
	out := make([]string, 0, len(conditions))
	for i, c := range conditions {
		if c = v.text("/conditions/"+strconv.Itoa(i), c, maxText, true); c != "" {
			out = append(out, c)
		}
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	return out, nil
}

// Valid reports whether l is one of the assessed levels.
func (l AbilityLevel) Valid() bool {
	for _, a := range abilityLevels {
		if a == l {
			return true
		}
	}
	return false
}

package elders

import (
	"strconv"

	"github.com/kincare/kincare/domain/calendar"
	"github.com/kincare/kincare/domain/elder"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/geo"
	"github.com/kincare/kincare/domain/identity"
)

// ProfileInput is a profile as a client sends it. On create every
// required field is set; on update nil means "leave as it is".
type ProfileInput struct {
	Name              *string
	Gender            *string
	BirthDate         *string
	Phone             *string // "" removes it
	Address           *AddressInput
	Living            *string
	MobilityAids      *[]string
	Diet              *DietInput
	EmergencyContacts *[]ContactInput
	CaregiverNotes    *string
	// Conditions are health data: written only under consent.
	Conditions *[]string
}

type AddressInput struct {
	Province, City, District, Street, Detail, RegionCode string
	Lat, Lng                                             float64
}

type DietInput struct {
	Tags      []string
	Allergies string
}

type ContactInput struct {
	Name, Relation, Phone string
}

// apply overlays the input on p, parsing what needs parsing; every
// problem is reported by field.
func (in ProfileInput) apply(p elder.Profile) (elder.Profile, error) {
	var fields []fault.FieldError
	bad := func(field, code string) { fields = append(fields, fault.FieldError{Field: field, Code: code}) }
	if in.Name != nil {
		p.Name = *in.Name
	}
	if in.Gender != nil {
		p.Gender = elder.Gender(*in.Gender)
	}
	if in.BirthDate != nil {
		d, err := calendar.ParseDate(*in.BirthDate)
		if err != nil {
			bad("/birthDate", "date_invalid")
		}
		p.BirthDate = d
	}
	if in.Phone != nil {
		p.Phone = ""
		if *in.Phone != "" {
			ph, err := identity.ParsePhone(*in.Phone)
			if err != nil {
				bad("/phone", "phone_invalid")
			}
			p.Phone = ph
		}
	}
	if a := in.Address; a != nil {
		p.Address = geo.Address{Province: a.Province, City: a.City, District: a.District, Street: a.Street,
			Detail: a.Detail, RegionCode: a.RegionCode, Location: geo.Point{Lat: a.Lat, Lng: a.Lng}}
	}
	if in.Living != nil {
		p.Living = elder.Living(*in.Living)
	}
	if in.MobilityAids != nil {
		p.MobilityAids = make([]elder.MobilityAid, len(*in.MobilityAids))
		for i, m := range *in.MobilityAids {
			p.MobilityAids[i] = elder.MobilityAid(m)
		}
	}
	if in.Diet != nil {
		p.Diet = elder.Diet{Allergies: in.Diet.Allergies, Tags: make([]elder.DietTag, len(in.Diet.Tags))}
		for i, t := range in.Diet.Tags {
			p.Diet.Tags[i] = elder.DietTag(t)
		}
	}
	if in.EmergencyContacts != nil {
		p.EmergencyContacts = make([]elder.EmergencyContact, len(*in.EmergencyContacts))
		for i, c := range *in.EmergencyContacts {
			ph, err := identity.ParsePhone(c.Phone)
			if err != nil {
				bad("/emergencyContacts/"+strconv.Itoa(i)+"/phone", "phone_invalid")
			}
			p.EmergencyContacts[i] = elder.EmergencyContact{Name: c.Name, Relation: c.Relation, Phone: ph}
		}
	}
	if in.CaregiverNotes != nil {
		p.CaregiverNotes = *in.CaregiverNotes
	}
	if len(fields) > 0 {
		return p, elder.ErrInvalid.WithFields(fields...)
	}
	return p, nil
}

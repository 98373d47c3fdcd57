package main

import (
	"context"
	"fmt"
	"time"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/app/children"
	"github.com/kincare/kincare/app/elders"
	"github.com/kincare/kincare/app/families"
	"github.com/kincare/kincare/app/providers"
	"github.com/kincare/kincare/domain/calendar"
	"github.com/kincare/kincare/domain/catalog"
	"github.com/kincare/kincare/domain/childcare"
	"github.com/kincare/kincare/domain/consent"
	"github.com/kincare/kincare/domain/elder"
	"github.com/kincare/kincare/domain/geo"
	"github.com/kincare/kincare/domain/identity"
	"github.com/kincare/kincare/domain/provider"
	"github.com/kincare/kincare/domain/reservation"
	"github.com/kincare/kincare/domain/service"
)

// What the district has. Providers and caregivers are the district's
// whatever the number of orders; families, elders and children scale
// with the orders (5,000 families, 8,000 elders and 1,500 children for
// 20,000 orders a year).

type demoItem struct {
	typ               service.Type
	zh, en            string
	unit              catalog.Unit
	market, inclusive int64 // fen
	minutes           int
}

var demoMenu = []demoItem{
	{service.Bathing, "上门助浴", "Bathing at home", catalog.PerVisit, 15000, 12000, 90},
	{service.Cleaning, "居家保洁", "Home cleaning", catalog.PerVisit, 8000, 6400, 120},
	{service.HomeVisit, "上门探视", "Home visit", catalog.PerVisit, 6000, 4800, 60},
	{service.MedicalEscort, "陪同就医", "Escort to a doctor", catalog.PerVisit, 12000, 9600, 180},
	{service.Errands, "代购代缴", "Errands", catalog.PerVisit, 3000, 2400, 60},
	{service.MobilityHelp, "助行康复", "Mobility help", catalog.PerVisit, 5000, 4000, 60},
	{service.MealAid, "助餐送餐", "Meal delivered", catalog.PerMeal, 1800, 1200, 30},
	{service.DayCare, "日间照料", "Day care", catalog.PerDay, 9000, 7200, 480},
	{service.RespiteStay, "喘息服务", "Respite stay", catalog.PerDay, 20000, 16000, 600},
}

func demoMenuItem(t service.Type) demoItem {
	for _, it := range demoMenu {
		if it.typ == t {
			return it
		}
	}
	panic("demo: no menu item " + t)
}

// demoKinds are the district's providers: how many of each, what they
// offer and how many caregivers each employs (600 in all).
var demoKinds = []struct {
	kind       provider.Kind
	count      int
	name       string
	types      []service.Type
	caregivers int
}{
	{provider.HomeCare, 30, "居家养老服务中心", []service.Type{service.Bathing, service.Cleaning, service.HomeVisit,
		service.MedicalEscort, service.Errands, service.MobilityHelp}, 17},
	{provider.Canteen, 12, "长者食堂", []service.Type{service.MealAid}, 4},
	{provider.DayCareCentre, 4, "日间照料中心", []service.Type{service.DayCare, service.RespiteStay}, 9},
	{provider.ChildcareInstitution, 10, "托育园", nil, 0},
	{provider.ClassOrganizer, 4, "父母课堂", nil, 0},
}

type demoProvider struct {
	id       string
	kind     provider.Kind
	admin    actor.Actor
	street   int
	location geo.Point
	items    map[service.Type]string // item ids
	staff    []demoCaregiver
	// offerings: full-day places first, then sessions, for childcare.
	offerings []childcare.Offering
}

type demoCaregiver struct {
	a        actor.Actor
	skills   []service.Type
	homeBase geo.Point
	// booked windows, for a schedule without overlaps: the order flow's
	// own check only sees accepted orders, and the demo plans the year
	// before it plays it.
	booked [][2]time.Time
}

func (w *demoWorld) buildProviders(ctx context.Context) error {
	hours := make([]provider.Hours, 7)
	for d := range hours {
		hours[d] = provider.Hours{Weekday: d + 1, Open: "07:30", Close: "20:00"}
	}
	n, cg := 0, 0
	for _, k := range demoKinds {
		// --providers scales the district (60 by default), each kind
		// keeping its share and at least one provider.
		count := max(1, (k.count*w.opt.providers+30)/60)
		for i := range count {
			street := n % len(demoStreets)
			adminPhone := demoPhone("137", n)
			admin, err := w.newUser(ctx, adminPhone)
			if err != nil {
				return err
			}
			addr := w.rnd.address(street)
			licences := []provider.Licence{{Kind: k.kind, Number: fmt.Sprintf("沪徐民养备字2025第%04d号", 100+n)}}
			if k.kind == provider.ClassOrganizer {
				// Parent-child sessions are booked as childcare places.
				licences = append(licences, provider.Licence{Kind: provider.ChildcareInstitution,
					Number: fmt.Sprintf("沪徐托备字2025第%04d号", 100+n)})
			}
			contact, _ := identity.ParsePhone(demoPhone("135", n))
			p, err := w.providerSvc.Register(ctx, admin, provider.Profile{
				LegalName: fmt.Sprintf("徐汇区%s%s%s", demoStreets[street].name[:len(demoStreets[street].name)-len("街道")],
					k.name, []string{"", "（二部）", "（三部）", "（四部）"}[i/len(demoStreets)%4]),
				Licences: licences, Address: addr, TimeZone: "Asia/Shanghai", ContactPhone: contact, Hours: hours,
				Area:   provider.Area{RadiusKM: 8},
				Policy: provider.VisitPolicy{CancellationFeeFen: 1000}})
			if err != nil {
				return fmt.Errorf("register: %w", err)
			}
			if _, err := w.providerSvc.Decide(ctx, w.admin, p.ID, providers.DecideVerify, ""); err != nil {
				return fmt.Errorf("verify: %w", err)
			}
			if admin, err = w.refresh(ctx, admin); err != nil {
				return err
			}
			dp := &demoProvider{id: p.ID, kind: k.kind, admin: admin, street: street, location: addr.Location,
				items: map[service.Type]string{}}
			for _, t := range k.types {
				m := demoMenuItem(t)
				it, err := w.catalogSvc.AddItem(ctx, admin, p.ID, catalog.Item{Type: t,
					Names: catalog.Names{ZhCN: m.zh, En: m.en}, Unit: m.unit, DurationMinutes: m.minutes,
					CaregiversNeeded: 1, Price: catalog.Price{MarketFen: m.market, InclusiveFen: m.inclusive}})
				if err != nil {
					return fmt.Errorf("item %s: %w", t, err)
				}
				dp.items[t] = it.ID
			}
			for range k.caregivers {
				c, err := w.hire(ctx, dp, cg, k.types, hours)
				if err != nil {
					return err
				}
				dp.staff = append(dp.staff, c)
				cg++
			}
			if childcare.Offers(&provider.Provider{Profile: provider.Profile{Licences: licences}}) {
				if err := w.offer(ctx, dp); err != nil {
					return err
				}
			}
			if n == 0 {
				if err := w.account(ctx, admin, "provider admin", adminPhone, p.Profile.LegalName+" 管理员", p.ID); err != nil {
					return err
				}
			}
			w.provs = append(w.provs, dp)
			n++
			w.clock.set(w.clock.Now().Add(37 * time.Minute))
		}
	}
	w.counts["providers"], w.counts["caregivers"] = n, cg
	return nil
}

// hire invites a caregiver by phone, who accepts, and records their
// skills, certificates, hours and home base.
func (w *demoWorld) hire(ctx context.Context, p *demoProvider, n int, types []service.Type, hours []provider.Hours) (demoCaregiver, error) {
	phone := demoPhone("136", n)
	if _, err := w.providerSvc.InviteStaff(ctx, p.admin, p.id, phone, string(provider.StaffCaregiver)); err != nil {
		return demoCaregiver{}, fmt.Errorf("invite caregiver: %w", err)
	}
	a, err := w.newUser(ctx, phone)
	if err != nil {
		return demoCaregiver{}, err
	}
	if _, err := w.providerSvc.AcceptStaffInvite(ctx, a, p.id); err != nil {
		return demoCaregiver{}, fmt.Errorf("accept staff invite: %w", err)
	}
	if a, err = w.refresh(ctx, a); err != nil {
		return demoCaregiver{}, err
	}
	// Every caregiver has most of the provider's skills; a nurse among
	// them escorts to doctors.
	var skills []service.Type
	for _, t := range types {
		if t != service.MedicalEscort && (len(types) <= 2 || w.rnd.chance(0.75)) {
			skills = append(skills, t)
		}
	}
	certs := []provider.Certificate{{Kind: provider.ElderlyCareWorker, Number: fmt.Sprintf("YL%08d", 31000000+n),
		Issuer: "上海市民政局", ExpiresOn: calendar.Today(w.clock.end.AddDate(2, w.rnd.IntN(12), 0), time.UTC)}}
	if len(types) > 2 && n%4 == 0 {
		skills = append(skills, service.MedicalEscort)
		certs = append(certs, provider.Certificate{Kind: provider.Nurse, Number: fmt.Sprintf("HS%08d", 52000000+n),
			Issuer: "上海市卫生健康委员会", ExpiresOn: calendar.Today(w.clock.end.AddDate(3, 0, 0), time.UTC)})
	}
	if len(skills) == 0 {
		skills = append(skills, types[0])
	}
	gender := []string{"female", "female", "female", "male"}[n%4]
	home := w.rnd.near(p.location, 1500)
	if _, err := w.providerSvc.SetCaregiver(ctx, p.admin, p.id, a.UserID, provider.Caregiver{Certificates: certs,
		Skills: skills, Gender: gender, Languages: []string{"普通话", "上海话"}, HomeBase: home,
		WeeklyHours: hours, Active: true}); err != nil {
		return demoCaregiver{}, fmt.Errorf("set caregiver: %w", err)
	}
	if n == 0 {
		if err := w.account(ctx, a, "caregiver", phone, "护理员", p.id); err != nil {
			return demoCaregiver{}, err
		}
	}
	return demoCaregiver{a: a, skills: skills, homeBase: home}, nil
}

// offer publishes a childcare provider's places: full-day care by the
// month and, at class organisers, Saturday parent-child sessions.
func (w *demoWorld) offer(ctx context.Context, p *demoProvider) error {
	list := []childcare.Offering{{Names: catalog.Names{ZhCN: "全日托（12-35月龄）", En: "Full-day care, 12-35 months"},
		CareType: childcare.FullDay, Ages: childcare.AgeRange{MinMonths: 12, MaxMonths: 35},
		Capacity: reservation.Capacity{Total: 60, InclusiveQuota: 20},
		Price:    catalog.Price{MarketFen: 480000, InclusiveFen: 320000}}}
	if p.kind == provider.ClassOrganizer {
		list = []childcare.Offering{{Names: catalog.Names{ZhCN: "亲子课堂（周六上午）", En: "Parent-child class, Saturday mornings"},
			CareType: childcare.HalfDay, Ages: childcare.AgeRange{MinMonths: 6, MaxMonths: 35},
			Capacity: reservation.Capacity{Total: 40, InclusiveQuota: 10},
			Price:    catalog.Price{MarketFen: 8000, InclusiveFen: 5000},
			Schedule: childcare.Schedule{Weekdays: []int{6}, Sessions: []childcare.Session{{Start: "09:30", End: "11:00"}}}}}
	}
	for _, o := range list {
		o.HoldTTL, o.MaxHoldsPerUser = 15*time.Minute, 2
		made, err := w.reserveSvc.CreateOffering(ctx, p.admin, p.id, o)
		if err != nil {
			return fmt.Errorf("offering: %w", err)
		}
		p.offerings = append(p.offerings, made)
	}
	return nil
}

type demoFamily struct {
	id       string
	members  []actor.Actor
	street   int
	elders   []demoElder
	children []demoChild
	phone    string // the owner's
	// recent counts the family's orders within the inbox days, and
	// orders all of them, to print an account with something to see.
	recent, orders int
}

type demoElder struct {
	id       string
	location geo.Point
	name     string
}

type demoChild struct {
	id string
	// birth is the date recorded, whose age in months the engine checks.
	birth calendar.Date
}

func (w *demoWorld) buildFamilies(ctx context.Context) error {
	nFamilies := max(w.opt.orders/4, 3)
	// Families joined in the weeks before the year the demo plays.
	start := w.clock.Now()
	span := w.clock.end.AddDate(-1, 0, -1).Sub(start)
	for i := range nFamilies {
		w.clock.set(start.Add(span * time.Duration(i) / time.Duration(nFamilies)))
		if err := w.buildFamily(ctx, i); err != nil {
			return fmt.Errorf("family %d: %w", i, err)
		}
	}
	w.counts["families"] = len(w.fams)
	return nil
}

func (w *demoWorld) buildFamily(ctx context.Context, i int) error {
	r := w.rnd
	surname := r.pick(demoSurnames)
	phone := demoPhone("139", 10_000_000+i*2)
	owner, err := w.newUser(ctx, phone)
	if err != nil {
		return err
	}
	v, err := w.familySvc.Create(ctx, owner, surname+"家", "Asia/Shanghai")
	if err != nil {
		return err
	}
	f := &demoFamily{id: v.Family.ID(), members: []actor.Actor{owner}, street: r.IntN(len(demoStreets)), phone: phone}
	if r.chance(0.35) { // a sibling or spouse joins by invite
		other := demoPhone("139", 10_000_000+i*2+1)
		inv, err := w.familySvc.Invite(ctx, owner, f.id, families.InviteCommand{Phone: other, Role: "member"})
		if err != nil {
			return fmt.Errorf("invite: %w", err)
		}
		m, err := w.newUser(ctx, other)
		if err != nil {
			return err
		}
		if _, err := w.familySvc.Accept(ctx, m, inv.Code); err != nil {
			return fmt.Errorf("accept invite: %w", err)
		}
		f.members = append(f.members, m)
	}
	// 8,000 elders to 5,000 families: a parent, or both.
	nElders := 1
	if r.chance(0.6) {
		nElders = 2
	}
	home := r.address(f.street)
	for e := range nElders {
		gender := []string{"female", "male"}[(e+r.IntN(2))%2]
		name := surname + r.pick(demoElderGiven[gender])
		if e == 1 {
			name = r.pick(demoSurnames) + r.pick(demoElderGiven[gender])
		}
		birth := fmt.Sprintf("%d-%02d-%02d", 1934+r.IntN(28), 1+r.IntN(12), 1+r.IntN(28))
		living := []string{"alone", "with_spouse", "with_family"}[min(nElders-1+r.IntN(2), 2)]
		addr := elders.AddressInput{Province: home.Province, City: home.City, District: home.District,
			Street: home.Street, Detail: home.Detail, RegionCode: home.RegionCode,
			Lat: home.Location.Lat, Lng: home.Location.Lng}
		ev, err := w.elderSvc.Create(ctx, owner, f.id, elders.ProfileInput{Name: &name, Gender: &gender, BirthDate: &birth,
			Address: &addr, Living: &living,
			Diet: &elders.DietInput{Tags: [][]string{{"low_salt"}, {"soft_food"}, {"low_sugar", "low_salt"}, {}}[r.IntN(4)]}})
		if err != nil {
			return fmt.Errorf("elder: %w", err)
		}
		f.elders = append(f.elders, demoElder{id: ev.Elder.ID, location: home.Location, name: name})
		w.counts["elders"]++
		if r.chance(0.3) { // the district's 养老服务补贴, granted by the regulator
			if _, err := w.elderSvc.AddAllowance(ctx, w.regulator, ev.Elder.ID, elders.AllowanceInput{
				Issuer: "徐汇区民政局", Kind: string(elder.ServiceSubsidy), MonthlyFen: 30000,
				ServiceTypes: []string{string(service.Bathing), string(service.Cleaning), string(service.HomeVisit),
					string(service.MealAid), string(service.MobilityHelp)},
				ValidFrom: calendar.Today(w.clock.Now(), time.UTC).String(), TimeZone: "Asia/Shanghai"}); err != nil {
				return fmt.Errorf("allowance: %w", err)
			}
			w.counts["allowances"]++
		}
	}
	// 1,500 children to 5,000 families: the young parents among them.
	if r.chance(0.3) {
		if _, err := w.familySvc.GrantConsent(ctx, owner, f.id, families.ConsentCommand{Scope: string(consent.ChildData),
			PolicyVersion: consent.PolicyVersion}); err != nil {
			return fmt.Errorf("consent: %w", err)
		}
		born := w.clock.Now().AddDate(0, -r.IntN(26), -1-r.IntN(28))
		name, birth := surname+r.pick(demoChildGiven), calendar.Today(born, time.UTC)
		gender := []string{"female", "male"}[r.IntN(2)]
		cv, err := w.childSvc.Create(ctx, owner, f.id, childProfile(name, birth.String(), gender))
		if err != nil {
			return fmt.Errorf("child: %w", err)
		}
		f.children = append(f.children, demoChild{id: cv.Child.ID, birth: birth})
		w.counts["children"]++
	}
	w.fams = append(w.fams, f)
	return nil
}

func childProfile(name, birth, gender string) children.ProfileInput {
	return children.ProfileInput{Name: &name, BirthDate: &birth, Gender: &gender}
}

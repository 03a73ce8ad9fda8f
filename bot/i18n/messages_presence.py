"""Proof of presence: distances on visits, company coordinates, proposals, /company."""

MESSAGES: dict[str, tuple[str, str]] = {
    # --- how a visit's arrival reads (summary, /visits, item card)
    "presence.far": (
        "⚠️ <b>位置不符（约 {distance}）</b>",
        "⚠️ <b>Location mismatch (about {distance})</b>",
    ),
    "presence.near": ("✅ 距企业约 {distance}", "✅ About {distance} from the company"),
    "presence.unmeasured": (
        "企业暂无坐标，未核对距离",
        "the company has no coordinates; distance not checked",
    ),
    "presence.unlocated": ("未发送位置", "no location sent"),
    "presence.unavailable": ("位置：钉钉未提供", "location: not provided by DingTalk"),
    "presence.confirmed_arrival": (
        "{verdict} · 确认到场 {time}",
        "{verdict} · arrival confirmed {time}",
    ),
    "presence.arrival": (
        '{verdict} · {point} · 到场 {time} · <a href="{url}">地图</a>',
        '{verdict} · {point} · arrived {time} · <a href="{url}">map</a>',
    ),
    # --- the same, plain, for the export and the dossier
    "presence.plain_far": ("位置不符（约 {distance}）", "Location mismatch (about {distance})"),
    "presence.plain_near": ("约 {distance}", "about {distance}"),
    "presence.plain_unmeasured": ("企业暂无坐标", "company has no coordinates"),
    "presence.plain_unlocated": ("未发送位置", "no location sent"),
    "presence.plain_unavailable": ("位置：钉钉未提供", "location: not provided by DingTalk"),
    # --- where the platform sends no location (DingTalk): the arrival confirmed by a tap
    "presence.ask_confirm": (
        "📍 钉钉机器人收不到位置。到达企业后请点「✅ 已到现场」，登记到场时间；"
        "现场照片也会记下各自的拍摄时间。",
        "📍 A DingTalk robot cannot receive locations. Once you are at the company, tap "
        "“✅ I'm here” to record when you arrived; the photos you send keep their own times.",
    ),
    "presence.btn_arrived": ("✅ 已到现场", "✅ I'm here"),
    "presence.arrival_saved": (
        "✅ 已登记到场（{company}）：{time}。",
        "✅ Arrival at {company} recorded: {time}.",
    ),
    "presence.arrival_already": (
        "到场时间已登记过，以第一次为准。",
        "Your arrival was recorded already; the first confirmation stands.",
    ),
    # --- the inspector's location, answered
    "presence.saved_far": (
        "📍 已记录到场位置（{company}），但距企业登记位置约 {distance}，超过 {radius} 米："
        "本次走访将标注「位置不符」。走访照常记录；如已到达企业，可再发送一次位置。",
        "📍 Location recorded for the visit to {company}, but it is about {distance} from the "
        "company's registered place, more than {radius} m: this visit will be marked "
        "“location mismatch”. The visit is recorded as usual; once you are there, send your "
        "location again.",
    ),
    "presence.saved_near": (
        "📍 已记录到场位置（{company}），距企业约 {distance}。",
        "📍 Location recorded for the visit to {company}, about {distance} from the company.",
    ),
    "presence.saved_unmeasured": (
        "📍 已记录到场位置（{company}）。该企业尚无坐标，已请办公室确认以此位置作为企业坐标。",
        "📍 Location recorded for the visit to {company}. The company has no coordinates "
        "yet; the office has been asked to confirm this place as its coordinates.",
    ),
    "presence.venue_refused": (
        "这是从列表中选取的地点，不能说明您所在的位置，未作为到场记录。"
        "请点下方「📍 发送位置」发送手机当前位置。",
        "That is a place picked from a list; it does not show where you are, so it was not "
        "recorded as your arrival. Tap “📍 Send location” below to send your phone's location.",
    ),
    "presence.bad_location": (
        "这个位置无法识别，未记录。请重新发送位置。",
        "That location could not be read and was not recorded. Please send it again.",
    ),
    # --- a proposal to the administrators
    "presence.proposal": (
        "📍 <b>企业坐标待确认：{company}</b>\n{name} 走访时发送了位置 {point}（{time}，"
        '<a href="{url}">地图</a>）。该企业尚无坐标。\n确认后，以此作为企业坐标，'
        "以后的走访将据此核对距离（超过 {radius} 米标注「位置不符」）。",
        "📍 <b>Company coordinates to confirm: {company}</b>\n{name} sent the location "
        '{point} on a visit ({time}, <a href="{url}">map</a>). The company has no '
        "coordinates yet.\nIf you confirm, this becomes the company's place and later visits "
        "are checked against it (more than {radius} m is marked “location mismatch”).",
    ),
    "presence.btn_confirm": ("✅ 确认为企业坐标", "✅ Confirm as the company's place"),
    "presence.btn_reject": ("✖️ 不采用", "✖️ Do not use"),
    "presence.confirmed": (
        "✅ 已确认 {company} 的坐标：{point}。{measured}",
        "✅ {company}'s coordinates confirmed: {point}. {measured}",
    ),
    "presence.measured": (
        "已为 {count} 次走访补算距离。",
        "Distances filled in for {count} {count:visit|visits}.",
    ),
    "presence.rejected": (
        "已不采用该位置，{company} 仍无坐标。可发送 /company {company} 设置。",
        "Not used; {company} still has no coordinates. Send /company {company} to set them.",
    ),
    "presence.already_decided": (
        "这条坐标建议已处理过了，无需再操作。",
        "That proposal has been decided already; nothing more to do.",
    ),
    # --- /company: an administrator's view and setting of a company's place
    "presence.usage": (
        "请在 /company 后写企业名称中的几个字，如 /company 力威",
        "Write part of the company's name after /company, e.g. /company 力威",
    ),
    "presence.none_found": (
        "没有与「{words}」匹配的企业。",
        "No company matches “{words}”.",
    ),
    "presence.choose": ("与「{words}」匹配的企业：", "Companies matching “{words}”:"),
    "presence.card": (
        "🏭 <b>{company}</b>（{town}）\n坐标：{place}\n{pending}\n<b>最近走访</b>\n{visits}",
        "🏭 <b>{company}</b> ({town})\nCoordinates: {place}\n{pending}\n"
        "<b>Recent visits</b>\n{visits}",
    ),
    "presence.place": (
        '{point}（{source}，{day}）· <a href="{url}">地图</a>',
        '{point} ({source}, {day}) · <a href="{url}">map</a>',
    ),
    "presence.no_place": ("未设置", "not set"),
    "presence.source_sheet": ("来自督查推进任务表", "from the sheet"),
    "presence.source_admin": ("管理员设置", "set by an administrator"),
    "presence.source_visit": ("走访位置，经管理员确认", "a visit's location, confirmed"),
    "presence.pending": (
        "待确认的坐标建议：{point}（{name}）\n",
        "Proposed coordinates waiting: {point} ({name})\n",
    ),
    "presence.visit_line": ("· {day} {names}：{arrival}", "· {day} {names}: {arrival}"),
    "presence.no_visits": ("（暂无走访）", "(no visits yet)"),
    "presence.btn_set": ("📍 设置坐标", "📍 Set coordinates"),
    "presence.btn_use_proposal": ("✅ 采用建议坐标", "✅ Use the proposed place"),
    "presence.ask_place": (
        "请发送 {company} 的位置（📎 → 位置，在地图上选企业大门），或输入坐标，"
        "如 32.37, 120.56 或 32.37N 120.56E。请使用手机定位（WGS-84）坐标。",
        "Send {company}'s location (📎 → Location, pick its gate on the map), or type the "
        "coordinates, e.g. 32.37, 120.56 or 32.37N 120.56E (phone GPS, WGS-84).",
    ),
    "presence.bad_place": (
        "无法识别这个坐标：{reason}。请重新输入，如 32.37, 120.56，或发送位置。",
        "Cannot read that coordinate: {reason}. Type it again, e.g. 32.37, 120.56, or send "
        "a location.",
    ),
    # Why a typed coordinate could not be read (bot/domain/presence.py CoordinateError.kind)
    "presence.coordinate.not_pair": (
        "「{text}」不是一对经纬度，请写纬度和经度两个数",
        "'{text}' is not a pair: write a latitude and a longitude",
    ),
    "presence.coordinate.not_degrees": (
        "「{text}」不是以度为单位的数（如 32.37）",
        "'{text}' is not a number of degrees (like 32.37)",
    ),
    "presence.coordinate.marks": (
        "「{text}」须标明一个纬度（北纬/南纬或 <code>N</code>/<code>S</code>）"
        "和一个经度（东经/西经或 <code>E</code>/<code>W</code>）",
        "'{text}' must mark one latitude (<code>N</code>/<code>S</code>) "
        "and one longitude (<code>E</code>/<code>W</code>)",
    ),
    "presence.coordinate.no_latitude": (
        "「{text}」中两个数都超过 90，都不可能是纬度",
        "in '{text}' neither value can be a latitude",
    ),
    "presence.coordinate.ambiguous": (
        "「{text}」分不清哪个是纬度、哪个是经度，请标明，如 32.37N 120.56E",
        "in '{text}' latitude cannot be told from longitude; mark them, like 32.37N 120.56E",
    ),
    "presence.coordinate.latitude_range": (
        "纬度 {value} 不在 -90 到 90 之间",
        "latitude {value} is not between -90 and 90",
    ),
    "presence.coordinate.longitude_range": (
        "经度 {value} 不在 -180 到 180 之间",
        "longitude {value} is not between -180 and 180",
    ),
    "presence.coordinate.not_latitude": (
        "「{text}」是经度，不是纬度",
        "'{text}' is a longitude, not a latitude",
    ),
    "presence.coordinate.not_longitude": (
        "「{text}」是纬度，不是经度",
        "'{text}' is a latitude, not a longitude",
    ),
    "presence.place_set": (
        "✅ 已设置 {company} 的坐标：{point}。{measured}",
        "✅ {company}'s coordinates set: {point}. {measured}",
    ),
    "presence.company_gone": (
        "这家企业已不在台账中。",
        "That company is no longer in the ledger.",
    ),
    # --- the item card's visits block
    "presence.card_visits": ("<b>走访记录</b>\n{lines}", "<b>Visits</b>\n{lines}"),
    "presence.card_visit_line": (
        "· {day} {company} {names}：{arrival}",
        "· {day} {company} {names}: {arrival}",
    ),
    # --- the sheet import's preview
    "import.places": (
        "\n企业坐标：设置或更新 {count} 家企业。",
        "\nCompany coordinates: set or changed for {count} {count:company|companies}.",
    ),
    # --- /settings and /help
    "setting.presence_radius_m": (
        "到场位置核对距离（米）",
        "Location mismatch beyond (metres)",
    ),
    "cmd.company": ("企业坐标与走访到场核对", "Company coordinates and visit locations"),
    # --- the export's visits sheet and the dossier
    "export.visits_sheet": ("走访记录", "Visits"),
    "export.visits.company": ("企业", "Company"),
    "export.visits.town": ("镇区", "Town"),
    "export.visits.inspectors": ("督查人员", "Inspectors"),
    "export.visits.start": ("开始", "Started"),
    "export.visits.end": ("结束", "Ended"),
    "export.visits.arrived": ("到场时间（服务器）", "Arrived (server time)"),
    "export.visits.latitude": ("纬度（WGS-84）", "Latitude (WGS-84)"),
    "export.visits.longitude": ("经度（WGS-84）", "Longitude (WGS-84)"),
    "export.visits.distance": ("距企业（米）", "Distance (m)"),
    "export.visits.check": ("到场核对", "Presence check"),
    "export.visits.findings": ("发现", "Findings"),
    "export.visits.photos": ("照片", "Photos"),
    "export.visits.items": ("关联事项", "Items"),
    "export.visits.map": ("地图", "Map"),
    "export.visits.open": ("（进行中）", "(open)"),
    "dossier.visits": ("走访与到场核对", "Visits and presence"),
    "dossier.visit_line": (
        "{day} {company} · {names} · {check}{where}",
        "{day} {company} · {names} · {check}{where}",
    ),
    "dossier.visit_where": (
        " · {point}（WGS-84）· 到场 {time}",
        " · {point} (WGS-84) · arrived {time}",
    ),
    "dossier.visit_confirmed": (" · 确认到场 {time}", " · arrival confirmed {time}"),
}

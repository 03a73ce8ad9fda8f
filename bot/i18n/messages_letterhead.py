"""What the office's documents say of themselves: the settings that name the office, the
programme and the 通报's 文号 and 下步要求, and the wording used while they are unset."""

MESSAGES: dict[str, tuple[str, str]] = {
    "setting.office_name": ("发文机关", "Issuing office"),
    "setting.programme": ("督办主题", "Programme supervised"),
    "setting.notice_prefix": ("通报文号代字", "Notice number prefix"),
    "setting.notice_requirements": ("通报“下步要求”", "Notice: next steps"),
    "setting.default_shown": ("{value}（默认）", "{value} (default)"),
    "letterhead.office_name": (
        "人大常委会办公室",
        "Office of the People's Congress Standing Committee",
    ),
    "letterhead.programme": ("科技创新", "science and technology innovation"),
    "letterhead.notice_prefix": ("人大办", "PCO"),
    "letterhead.notice_requirements": (
        "一、各责任单位要对照督办清单逐项销号，逾期事项须说明原因并明确完成时限。\n"
        "二、对红色督办事项，分管领导要亲自过问、跟踪落实，办结后及时申请销号。\n"
        "三、已销号事项将适时开展“回头看”，防止问题反弹。",
        "1. Every responsible unit works through its list item by item; an overdue item states "
        "why and by when it will be done.\n"
        "2. The leader in charge follows each red item in person and applies for close-out as "
        "soon as it is done.\n"
        "3. Closed items will be looked at again to make sure the problems stay solved.",
    ),
}

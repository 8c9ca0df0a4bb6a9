"""合法性审查 area: the register (ReviewsPage), the register form (ReviewDialog), the step dialogs
(补正, extension, opinion…) and the statistics view."""

// The console's own words (staff read these; citizens never do). Arabic is written right to left.
import { deskWords } from './i18n-desk.js';

const words = {
  ar: {
    'app.title': 'لوحة موظفي البلدية', 'nav.queue': 'الانتظار', 'nav.complaints': 'الشكاوى', 'nav.file': 'شكوى لمتصل',
    'nav.applications': 'المعاملات', 'nav.canned': 'الردود الجاهزة', signout: 'خروج', 'lang.other': 'English',
    'signin.title': 'تسجيل دخول الموظفين', 'signin.username': 'اسم المستخدم', 'signin.password': 'كلمة المرور', 'signin.submit': 'دخول',
    'signin.wrong': 'اسم المستخدم أو كلمة المرور غير صحيحة.', 'signin.limited': 'محاولات كثيرة. انتظر دقيقة ثم حاول مجدداً.',
    'password.title': 'غيّر كلمة المرور المؤقتة', 'password.current': 'كلمة المرور الحالية', 'password.next': 'كلمة المرور الجديدة (١٠ أحرف على الأقل)',
    'password.submit': 'حفظ', 'password.weak': 'كلمة المرور الجديدة قصيرة أو مثل القديمة.', 'password.wrong': 'كلمة المرور الحالية غير صحيحة.',
    'live.on': '● مباشر', 'live.off': '○ إعادة الاتصال…',
    'queue.title': 'محادثات بانتظار موظف', 'queue.empty': 'لا أحد ينتظر الآن.', 'queue.held': 'محادثات مع الموظفين',
    'queue.waited': 'ينتظر منذ {time}', 'queue.open': 'فتح', 'queue.outOfHours': 'وصلت خارج الدوام', 'queue.department': 'القسم: {name}',
    'reason.requested': 'طلب موظفاً', 'reason.legal-question': 'سؤال قانوني', 'reason.form-help': 'مساعدة في نموذج', 'reason.misunderstood': 'لم يفهمه المساعد',
    'channel.web': 'الموقع', 'channel.telegram': 'تيليغرام', 'channel.whatsapp': 'واتساب', 'channel.whatsapp-cloud': 'واتساب',
    'lang.ar': 'عربي', 'lang.en': 'إنجليزي', 'lang.fr': 'فرنسي',
    'status.queued': 'بالانتظار', 'status.held': 'مع {name}', 'status.closed': 'مغلقة',
    'conv.title': 'محادثة', 'conv.back': '→ الانتظار', 'conv.guess': 'تخمين المساعد: {intent} ({confidence})',
    'conv.take': 'استلام المحادثة', 'conv.reply': 'ردّك على المواطن', 'conv.send': 'إرسال', 'conv.canned': 'رد جاهز…',
    'conv.notes': 'ملاحظات خاصة (لا يراها المواطن)', 'conv.addNote': 'إضافة ملاحظة', 'conv.transfer': 'تحويل', 'conv.transferTo': 'إلى…',
    'conv.handBack': 'إعادة للمساعد', 'conv.close': 'إنهاء', 'conv.outcome': 'النتيجة', 'conv.earlier': 'سجلات المواطن السابقة',
    'conv.noEarlier': 'لا شكاوى ولا معاملات سابقة.', 'conv.takenBy': 'هذه المحادثة مع {name}.', 'conv.closed': 'انتهت هذه المحادثة.',
    'conv.noText': '(رسالة دون نص)', 'conv.media.audio': 'رسالة صوتية', 'conv.media.video': 'فيديو', 'conv.media.application': 'ملف', 'conv.media.text': 'ملف', 'conv.mediaFile': 'تنزيل الملف ({kb} ك.ب)',
    'from.citizen': 'المواطن', 'from.bot': 'المساعد', 'from.staff': 'الموظف', 'from.system': 'النظام', 'from.note': 'ملاحظة',
    'outcome.answered': 'أُجيب', 'outcome.referred': 'أُحيل', 'outcome.follow-up': 'يحتاج متابعة', 'outcome.no-response': 'لم يرد المواطن',
    'outcome.handed-back': 'أُعيد للمساعد', 'outcome.citizen-left': 'غادر المواطن',
    'error.taken': 'استلم {name} هذه المحادثة قبلك.', 'error.closed': 'هذه المحادثة انتهت.', 'error.not-yours': 'هذه المحادثة ليست معك.',
    'error.generic': 'تعذر ذلك: {error}', 'error.forbidden': 'ليست لديك صلاحية لذلك.',
    'complaints.title': 'الشكاوى', 'complaints.department': 'القسم', 'complaints.status': 'الحالة', 'complaints.category': 'الفئة',
    'complaints.overdue': 'المتأخرة فقط', 'complaints.filter': 'عرض', 'complaints.none': 'لا شكاوى بهذه الشروط.', 'any': 'الكل',
    'complaints.code': 'الرمز', 'complaints.created': 'التاريخ', 'complaints.deadline': 'الموعد', 'complaints.late': 'متأخرة',
    'nav.mywork': 'عملي', 'nav.alerts': 'المتأخرات', 'alerts.title': 'شكاوى تجاوزت موعدها ({total})', 'alerts.at': 'نُبّه في', 'alerts.none': 'لا شكاوى متأخرة.',
    'alerts.why': 'شكاوى مفتوحة مرّ موعدها؛ نُبّه قسمها ومكتب المواطن مرة واحدة.',
    'complaint.photos': 'الصور', 'complaint.noPhotos': 'لا صور', 'complaint.photo': 'صورة {n}', 'complaint.map': 'الموقع على الخريطة',
    'complaint.openMap': 'فتح في خريطة', 'complaint.mapLabel': 'خريطة البلدية وعليها موقع الشكوى {coords}',
    'apps.registry': 'سجل المعاملات', 'apps.overdue': 'المتأخرة عن موعدها فقط', 'apps.none': 'لا معاملات بهذه الشروط.',
    'apps.sort.newest': 'الأحدث أولاً', 'apps.sort.oldest': 'الأقدم أولاً', 'apps.sort.expected': 'الأقرب موعداً',
    'apps.page': 'صفحة {page} من {pages} ({total} معاملة)', 'apps.decision': 'طباعة خطاب القرار', 'error.reason-required': 'اكتب سبب الرفض.',
    'nav.staff': 'الموظفون', 'staff.title': 'حسابات الموظفين', 'staff.role': 'الدور', 'staff.create': 'إنشاء حساب', 'staff.reset': 'كلمة مرور جديدة',
    'staff.disabled': 'موقوف', 'staff.state': 'الحالة', 'staff.lastSignIn': 'آخر دخول', 'staff.noDepartment': 'بدون قسم (كل الأقسام)',
    'staff.oneTime': 'كلمة المرور المؤقتة لـ {name} (تظهر مرة واحدة فقط):', 'staff.oneTimeWhy': 'سلّمها للموظف بنفسك؛ سيُطلب منه تغييرها عند أول دخول.',
    'role.agent': 'موظف', 'role.supervisor': 'مشرف', 'role.admin': 'مسؤول',
    'error.username-taken': 'اسم المستخدم مستخدم من قبل.', 'error.username-invalid': 'اسم المستخدم: ٢–٣٢ حرفاً لاتينياً صغيراً أو أرقاماً أو . _ -',
    'error.not-your-own-account': 'لا يمكنك إيقاف حسابك أو خفض دورك بنفسك.',
    'complaints.mine': 'عمل قسمي', 'complaints.from': 'من يوم', 'complaints.to': 'إلى يوم', 'complaints.sort': 'الترتيب',
    'complaints.sort.newest': 'الأحدث أولاً', 'complaints.sort.oldest': 'الأقدم أولاً', 'complaints.sort.deadline': 'الأقرب موعداً',
    'complaints.prev': 'السابق', 'complaints.next': 'التالي', 'complaints.page': 'صفحة {page} من {pages} ({total} شكوى)',
    'error.other-department': 'هذه الشكوى لقسم آخر.', 'error.invalid-filter': 'شروط البحث غير صحيحة.',
    'complaint.description': 'الوصف', 'complaint.location': 'الموقع', 'complaint.privacy': 'الخصوصية', 'complaint.reporter': 'مقدّم الشكوى',
    'complaint.hidden': 'مخفي (شكوى سرية)', 'complaint.reveal': 'إظهار هوية مقدّم الشكوى (يُسجَّل)', 'complaint.history': 'السجل',
    'complaint.changeStatus': 'تغيير الحالة', 'complaint.note': 'ملاحظة للمواطن (اختيارية)', 'complaint.save': 'حفظ',
    'complaint.reassign': 'تحويل إلى قسم', 'complaint.notified': 'تم الحفظ، وسيُبلَّغ المواطن.', 'complaint.saved': 'تم الحفظ.',
    'privacy.named': 'باسمه', 'privacy.confidential': 'سرية (الهوية لمكتب المواطن فقط)', 'privacy.anonymous': 'بدون اسم',
    'file.title': 'تقديم شكوى نيابة عن متصل', 'file.category': 'نوع المشكلة', 'file.description': 'ماذا حدث؟', 'file.location': 'المكان',
    'file.name': 'الاسم', 'file.phone': 'الهاتف', 'file.channel': 'قناة للتحديثات (اختياري)', 'file.user': 'رقم/معرّف المحادثة',
    'file.consent': 'يوافق على أن نراسله بالتحديثات', 'file.lang': 'لغة المواطن', 'file.submit': 'تقديم الشكوى',
    'file.readBack': 'اقرأ رمز المتابعة للمواطن:', 'file.none': 'بدون',
    'apps.title': 'المعاملات', 'apps.register': 'تسجيل معاملة عند النافذة', 'apps.service': 'الخدمة', 'apps.name': 'اسم مقدّم الطلب',
    'apps.phone': 'الهاتف', 'apps.submit': 'تسجيل', 'apps.receipt': 'طباعة الإيصال', 'apps.find': 'بحث برمز المتابعة', 'apps.code': 'رمز المتابعة',
    'apps.open': 'فتح', 'apps.expected': 'الموعد المتوقع', 'apps.status': 'الحالة', 'apps.missing': 'المستندات الناقصة (سطر لكل مستند)',
    'apps.reason': 'سبب الرفض', 'apps.note': 'ملاحظة للمواطن', 'apps.update': 'تحديث الحالة', 'apps.registered': 'سُجّلت المعاملة.',
    'canned.title': 'الردود الجاهزة', 'canned.id': 'المعرّف', 'canned.titleAr': 'العنوان (عربي)', 'canned.titleEn': 'العنوان (إنجليزي)',
    'canned.textAr': 'النص (عربي)', 'canned.textEn': 'النص (إنجليزي)', 'canned.save': 'حفظ', 'canned.delete': 'حذف', 'canned.new': 'رد جديد',
    'canned.adminOnly': 'المسؤولون فقط يعدّلون الردود الجاهزة.',
    'book.status.booked': 'محجوز', 'book.status.requested': 'طلب لقاء', 'book.status.arrived': 'حضر', 'book.status.done': 'انتهى',
    'book.status.no-show': 'لم يحضر', 'book.status.cancelled': 'أُلغي', 'book.status.declined': 'مرفوض',
    'book.subject': 'موضوع اللقاء', 'book.approve': 'موافقة', 'book.decline': 'اعتذار', 'book.reason': 'سبب الاعتذار (يُرسل للمواطن)', 'error.reason-missing': 'اكتب سبب الاعتذار.',
    'nav.bookings': 'المواعيد', 'book.branch': 'المركز', 'book.day': 'اليوم', 'book.show': 'عرض', 'book.for-caller': 'حجز موعد لمتصل أو مراجع',
    'book.service': 'الخدمة', 'book.time': 'الوقت', 'book.submit': 'احجز', 'book.free': '{n} متاح', 'book.none': 'لا أوقات فارغة',
    'book.code': 'الرمز', 'book.actions': 'إجراء', 'book.arrived': 'حضر', 'book.done': 'انتهى', 'book.no-show': 'لم يحضر', 'book.cancel': 'إلغاء',
    'book.block': 'إغلاق نوافذ (غياب موظف)', 'book.block.from': 'من الساعة', 'book.block.to': 'إلى الساعة', 'book.block.counters': 'عدد النوافذ (فارغ: المركز كله)',
    'book.block.reason': 'السبب (يُرسل للمواطنين)', 'book.block.submit': 'أغلق', 'book.block.all': 'كل الخدمات', 'book.block.n': '{n} نافذة', 'book.block.whole': 'المركز كله',
    'book.block.lift': 'إلغاء الإغلاق', 'book.block.done': 'أُغلقت الأوقات؛ أُبلغ {n} مواطن واقتُرحت عليهم أوقات أخرى.', 'book.displaced': 'أُغلق وقته', 'error.supervisor-only': 'إغلاق المركز كله للمشرفين فقط.',
    'book.closed': 'لا يستقبل هذا المركز مواعيد في هذا اليوم (عطلة أو إغلاق).', 'book.empty': 'لا مواعيد في هذا اليوم.',
    'book.booked': 'حُجز الموعد {code} الساعة {time}.', 'error.slot-taken': 'حُجز هذا الوقت للتو؛ اختر وقتاً آخر.',
    'error.slot-unavailable': 'هذا الوقت غير متاح للحجز.', 'error.not-open': 'هذا الموعد لم يعد مفتوحاً.',
    'nav.channels': 'القنوات',
    'channels.title': 'قنوات التواصل', 'channels.on': 'تعمل', 'channels.off': 'متوقفة', 'channels.offHere': 'متوقفة على هذا الخادم',
    'channels.since': 'منذ {time}',
    'channels.whatsappWeb': 'واتساب ويب (هاتف البلدية)', 'channels.whatsappWeb.howOn': 'لتشغيلها: WHATSAPP_WEB=1 ثم أعد تشغيل الخادم.',
    'channels.wa.qr': 'بانتظار ربط الهاتف', 'channels.wa.ready': 'مرتبط ويعمل', 'channels.wa.disconnected': 'انقطع الاتصال', 'channels.wa.logged-out': 'سجّل الهاتف الخروج',
    'channels.wa.scan': 'على هاتف البلدية: واتساب ← الأجهزة المرتبطة ← ربط جهاز، ثم امسح هذا الرمز.',
    'channels.wa.qrAlt': 'رمز QR لربط هاتف البلدية بواتساب', 'channels.wa.qrWaiting': 'يجري تجهيز رمز QR…',
    'channels.wa.loggedOutMessage': 'سجّل هاتف البلدية الخروج من هذا الجهاز في {time}. لن تصل رسائل واتساب حتى يُربط الهاتف من جديد بمسح رمز QR.',
    'channels.wa.phone': 'الرقم المرتبط', 'channels.wa.reconnecting': 'تجري إعادة الاتصال تلقائياً.',
    'channels.whatsappCloud': 'واتساب للأعمال (Cloud API)', 'channels.cloud.template': 'القالب المعتمد',
    'channels.cloud.templatesTitle': 'رسائل أُرسلت كقالب معتمد', 'channels.cloud.templatesWhy': 'مرّ أكثر من ٢٤ ساعة على آخر رسالة من المواطن، فلا يسمح واتساب إلا بقالب معتمد.',
    'channels.cloud.none': 'لم تُرسل أي رسالة كقالب.', 'channels.cloud.when': 'الوقت', 'channels.cloud.to': 'إلى',
    'channels.telegram': 'تيليغرام', 'channels.telegram.howOn': 'لتشغيلها: ضع TELEGRAM_TOKEN ثم أعد تشغيل الخادم.',
    'channels.telegram.on': 'تعمل', 'channels.telegram.off': 'متوقفة (رُفض الرمز أو تعذّر الوصول إلى تيليغرام؛ راجع السجل)', 'channels.telegram.starting': 'تبدأ…',
    'channels.telegram.bot': 'البوت', 'channels.telegram.mode': 'الاستقبال', 'channels.telegram.mode.polling': 'استطلاع مستمر', 'channels.telegram.mode.webhook': 'Webhook',
    'conv.template': 'خارج نافذة الـ٢٤ ساعة: أُرسلت {n} رسالة إلى المواطن كقالب معتمد (آخرها {time}).',
    'time.s': '{n} ث', 'time.m': '{n} د', 'time.h': '{n} س {m} د',
    'dash.fig.csat-by-channel': 'رضا المواطنين حسب القناة (١–٥)', 'dash.fig.csat-by-department': 'رضا المواطنين حسب القسم (١–٥)', 'dash.fig.csat-by-agent': 'رضا المواطنين حسب الموظف (١–٥)',
    'dash.col.answers': 'تقييمات', 'dash.col.average': 'المتوسط', 'dash.col.satisfied_pct': '٪ راضٍ (٤–٥)', 'dash.col.staff': 'الموظف', 'dash.noDepartment': 'محادثات بلا قسم',
    'nav.misunderstood': 'ما لم يفهمه المساعد', 'miss.title': 'ما لم يفهمه المساعد',
    'miss.explain': 'رسائل المواطنين من {from} إلى {to} التي لم يفهمها المساعد أو فهمها بثقة ضعيفة، مجمّعة حسب النص المتشابه. لا تظهر هنا رسائل الشكاوى السرية ولا المقدّمة بدون اسم.',
    'miss.count': 'العدد', 'miss.texts': 'ما كتبه المواطنون', 'miss.guess': 'تخمين المساعد', 'miss.sample': 'آخر محادثة', 'miss.label': 'التصنيف الصحيح',
    'miss.save': 'حفظ', 'miss.labelled': 'صُنّف ✓', 'miss.noService': '(بلا خدمة)', 'miss.download': 'تنزيل الأمثلة المصنّفة (JSONL لأداة التقييم)', 'miss.none': 'لا رسائل لم تُفهم في هذه الفترة.',
    'nav.dashboard': 'لوحة الأرقام', 'dash.channel.whatsapp': 'واتساب (الهاتف)', 'dash.channel.whatsapp-cloud': 'واتساب (Cloud API)',
    'dash.title': 'لوحة الأرقام', 'dash.from': 'من', 'dash.to': 'إلى', 'dash.branch': 'الفرع', 'dash.department': 'القسم', 'dash.every': 'التجميع',
    'dash.every.day': 'يومي', 'dash.every.week': 'أسبوعي', 'dash.show': 'عرض', 'dash.csv': 'تنزيل CSV', 'dash.loading': 'جارٍ الحساب…',
    'dash.scope.all': 'كل البلدية', 'dash.scope.some': 'الأقسام: {names}', 'dash.none': 'لا بيانات في هذه الفترة.',
    'dash.error.department-required': 'لوحة الأرقام للمشرفين، ولموظفي الأقسام عن أقسامهم. حسابك غير مرتبط بقسم.',
    'dash.fig.summary': 'أهم الأرقام', 'dash.fig.conversations': 'المحادثات حسب القناة', 'dash.fig.complaints-by-category': 'الشكاوى حسب الفئة والقسم',
    'dash.fig.complaint-sla': 'الشكاوى المنجزة في موعدها حسب القسم', 'dash.fig.complaint-backlog': 'الشكاوى المتأخرة المفتوحة الآن',
    'dash.fig.applications-by-service': 'المعاملات حسب الخدمة', 'dash.fig.application-sla': 'المعاملات المنجزة في موعدها حسب القسم', 'dash.fig.handoff-reasons': 'أسباب التحويل إلى موظف',
    'dash.col.day': 'اليوم', 'dash.col.week': 'الأسبوع (يبدأ الاثنين)', 'dash.col.channel': 'القناة', 'dash.col.conversations': 'محادثات', 'dash.col.department_name': 'القسم',
    'dash.col.category_name': 'الفئة', 'dash.col.complaints': 'شكاوى', 'dash.col.filed': 'مقدَّمة', 'dash.col.finished': 'منجزة', 'dash.col.on_time': 'في الموعد',
    'dash.col.late': 'متأخرة', 'dash.col.open_overdue': 'مفتوحة ومتأخرة', 'dash.col.on_time_pct': '٪ في الموعد', 'dash.col.overdue_open': 'متأخرة مفتوحة',
    'dash.col.service_name': 'الخدمة', 'dash.col.applications': 'معاملات', 'dash.col.reason': 'السبب', 'dash.col.handoffs': 'تحويلات', 'dash.col.metric': 'المؤشر', 'dash.col.value': 'القيمة',
    'dash.m.complaints_filed': 'شكاوى مقدَّمة', 'dash.m.complaints_finished': 'شكاوى منجزة', 'dash.m.complaints_on_time_pct': '٪ الشكاوى المنجزة في موعدها',
    'dash.m.complaints_median_hours_to_resolve': 'وسيط زمن الحل (ساعات)', 'dash.m.complaints_resolved': 'شكاوى حُلّت', 'dash.m.complaints_reopened': 'أُعيد فتحها («لم تُحل»)',
    'dash.m.reopen_rate_pct': '٪ إعادة الفتح', 'dash.m.complaints_overdue_now': 'شكاوى متأخرة الآن', 'dash.m.applications_filed': 'معاملات مسجَّلة',
    'dash.m.applications_on_time_pct': '٪ المعاملات في موعدها', 'dash.m.conversations': 'محادثات', 'dash.m.conversations_with_handoff': 'محادثات حُوّلت إلى موظف',
    'dash.m.containment_pct': '٪ أنهاها المساعد وحده', 'dash.m.handoff_rate_pct': '٪ التحويل إلى موظف', 'dash.m.handoffs': 'تحويلات',
    'dash.m.median_minutes_to_take': 'وسيط الانتظار حتى الاستلام (دقائق)', 'dash.m.median_minutes_to_first_staff_reply': 'وسيط زمن أول رد من موظف (دقائق)',
    'dash.fig.complaint-backlog-by-day': 'الشكاوى المتأخرة المفتوحة في نهاية كل يوم', 'dash.fig.questions-by-service': 'أسئلة المواطنين عن الخدمات', 'dash.fig.csat-by-day': 'رضا المواطنين عبر الزمن (١–٥)',
    'dash.col.questions': 'أسئلة', 'dash.m.service_questions': 'أسئلة عن الخدمات',
    'dash.fig.csat-comments': 'تعليقات المواطنين بعد التقييم', 'dash.col.at': 'الوقت', 'dash.col.kind': 'بعد', 'dash.col.score': 'التقييم', 'dash.col.comment': 'التعليق',
    'dash.kind.handoff': 'محادثة مع موظف', 'dash.kind.complaint': 'حل شكوى', 'dash.comment.hidden': 'تعليق على شكوى سرية — يطّلع عليه مكتب المواطنين فقط',
  },
  en: {
    'app.title': 'Municipality staff console', 'nav.queue': 'Queue', 'nav.complaints': 'Complaints', 'nav.file': 'File for a caller',
    'nav.applications': 'Applications', 'nav.canned': 'Canned replies', signout: 'Sign out', 'lang.other': 'عربي',
    'signin.title': 'Staff sign-in', 'signin.username': 'Username', 'signin.password': 'Password', 'signin.submit': 'Sign in',
    'signin.wrong': 'Wrong username or password.', 'signin.limited': 'Too many attempts. Wait a minute and try again.',
    'password.title': 'Change your one-time password', 'password.current': 'Current password', 'password.next': 'New password (at least 10 characters)',
    'password.submit': 'Save', 'password.weak': 'The new password is too short or the same as the old one.', 'password.wrong': 'The current password is wrong.',
    'live.on': '● live', 'live.off': '○ reconnecting…',
    'queue.title': 'Conversations waiting for staff', 'queue.empty': 'Nobody is waiting.', 'queue.held': 'Conversations with staff',
    'queue.waited': 'waiting {time}', 'queue.open': 'Open', 'queue.outOfHours': 'arrived out of hours', 'queue.department': 'department: {name}',
    'reason.requested': 'asked for staff', 'reason.legal-question': 'legal question', 'reason.form-help': 'help with a form', 'reason.misunderstood': 'assistant did not understand',
    'channel.web': 'website', 'channel.telegram': 'Telegram', 'channel.whatsapp': 'WhatsApp', 'channel.whatsapp-cloud': 'WhatsApp',
    'lang.ar': 'Arabic', 'lang.en': 'English', 'lang.fr': 'French',
    'status.queued': 'waiting', 'status.held': 'with {name}', 'status.closed': 'closed',
    'conv.title': 'Conversation', 'conv.back': '← Queue', 'conv.guess': 'Assistant guessed: {intent} ({confidence})',
    'conv.take': 'Take conversation', 'conv.reply': 'Your reply to the citizen', 'conv.send': 'Send', 'conv.canned': 'Canned reply…',
    'conv.notes': 'Private notes (the citizen never sees them)', 'conv.addNote': 'Add note', 'conv.transfer': 'Transfer', 'conv.transferTo': 'to…',
    'conv.handBack': 'Hand back to assistant', 'conv.close': 'Close', 'conv.outcome': 'Outcome', 'conv.earlier': "Citizen's earlier records",
    'conv.noEarlier': 'No earlier complaints or applications.', 'conv.takenBy': 'This conversation is with {name}.', 'conv.closed': 'This conversation has ended.',
    'conv.noText': '(a message without text)', 'conv.media.audio': 'Voice message', 'conv.media.video': 'Video', 'conv.media.application': 'File', 'conv.media.text': 'File', 'conv.mediaFile': 'Download the file ({kb} kB)',
    'from.citizen': 'Citizen', 'from.bot': 'Assistant', 'from.staff': 'Staff', 'from.system': 'System', 'from.note': 'Note',
    'outcome.answered': 'answered', 'outcome.referred': 'referred', 'outcome.follow-up': 'needs follow-up', 'outcome.no-response': 'citizen did not reply',
    'outcome.handed-back': 'handed back', 'outcome.citizen-left': 'citizen left',
    'error.taken': '{name} took this conversation first.', 'error.closed': 'This conversation has ended.', 'error.not-yours': 'You do not hold this conversation.',
    'error.generic': 'Could not do that: {error}', 'error.forbidden': 'You do not have permission for that.',
    'complaints.title': 'Complaints', 'complaints.department': 'Department', 'complaints.status': 'Status', 'complaints.category': 'Category',
    'complaints.overdue': 'Overdue only', 'complaints.filter': 'Show', 'complaints.none': 'No complaints match.', any: 'Any',
    'complaints.code': 'Code', 'complaints.created': 'Filed', 'complaints.deadline': 'Deadline', 'complaints.late': 'overdue',
    'nav.mywork': 'My work', 'nav.alerts': 'Overdue', 'alerts.title': 'Complaints past their deadline ({total})', 'alerts.at': 'Alerted at', 'alerts.none': 'No overdue complaints.',
    'alerts.why': 'Open complaints whose deadline passed; their department and the citizen office were alerted once.',
    'complaint.photos': 'Photos', 'complaint.noPhotos': 'No photos', 'complaint.photo': 'Photo {n}', 'complaint.map': 'Location on the map',
    'complaint.openMap': 'Open in a map', 'complaint.mapLabel': 'Map of the municipality with the complaint at {coords}',
    'apps.registry': 'Applications registry', 'apps.overdue': 'Past their expected day only', 'apps.none': 'No applications match.',
    'apps.sort.newest': 'Newest first', 'apps.sort.oldest': 'Oldest first', 'apps.sort.expected': 'Nearest expected day',
    'apps.page': 'Page {page} of {pages} ({total} applications)', 'apps.decision': 'Print the decision letter', 'error.reason-required': 'Write the reasons for the refusal.',
    'nav.staff': 'Staff', 'staff.title': 'Staff accounts', 'staff.role': 'Role', 'staff.create': 'Create account', 'staff.reset': 'New password',
    'staff.disabled': 'disabled', 'staff.state': 'State', 'staff.lastSignIn': 'Last sign-in', 'staff.noDepartment': 'No department (all)',
    'staff.oneTime': 'One-time password for {name} (shown only once):', 'staff.oneTimeWhy': 'Hand it over in person; it must be changed at first sign-in.',
    'role.agent': 'Agent', 'role.supervisor': 'Supervisor', 'role.admin': 'Admin',
    'error.username-taken': 'That username is taken.', 'error.username-invalid': 'Username: 2–32 lowercase Latin letters, digits, . _ -',
    'error.not-your-own-account': 'You cannot disable or demote your own account.',
    'complaints.mine': "My department's work", 'complaints.from': 'From day', 'complaints.to': 'To day', 'complaints.sort': 'Order',
    'complaints.sort.newest': 'Newest first', 'complaints.sort.oldest': 'Oldest first', 'complaints.sort.deadline': 'Nearest deadline',
    'complaints.prev': 'Previous', 'complaints.next': 'Next', 'complaints.page': 'Page {page} of {pages} ({total} complaints)',
    'error.other-department': 'This complaint belongs to another department.', 'error.invalid-filter': 'The search filters are not valid.',
    'complaint.description': 'Description', 'complaint.location': 'Location', 'complaint.privacy': 'Privacy', 'complaint.reporter': 'Reporter',
    'complaint.hidden': 'hidden (confidential complaint)', 'complaint.reveal': 'Show reporter identity (audited)', 'complaint.history': 'History',
    'complaint.changeStatus': 'Change status', 'complaint.note': 'Note for the citizen (optional)', 'complaint.save': 'Save',
    'complaint.reassign': 'Reassign department', 'complaint.notified': 'Saved; the citizen will be notified.', 'complaint.saved': 'Saved.',
    'privacy.named': 'named', 'privacy.confidential': 'confidential (identity for the citizen office only)', 'privacy.anonymous': 'anonymous',
    'file.title': 'File a complaint for a caller', 'file.category': 'Problem', 'file.description': 'What happened?', 'file.location': 'Where',
    'file.name': 'Name', 'file.phone': 'Phone', 'file.channel': 'Chat for updates (optional)', 'file.user': 'Chat number / id',
    'file.consent': 'Agrees to receive updates', 'file.lang': "Citizen's language", 'file.submit': 'File complaint',
    'file.readBack': 'Read the tracking code back to the citizen:', 'file.none': 'none',
    'apps.title': 'Applications', 'apps.register': 'Register an application at the counter', 'apps.service': 'Service', 'apps.name': "Applicant's name",
    'apps.phone': 'Phone', 'apps.submit': 'Register', 'apps.receipt': 'Print receipt', 'apps.find': 'Find by tracking code', 'apps.code': 'Tracking code',
    'apps.open': 'Open', 'apps.expected': 'Expected by', 'apps.status': 'Status', 'apps.missing': 'Missing documents (one per line)',
    'apps.reason': 'Reason for rejection', 'apps.note': 'Note for the citizen', 'apps.update': 'Update status', 'apps.registered': 'Application registered.',
    'canned.title': 'Canned replies', 'canned.id': 'Id', 'canned.titleAr': 'Title (Arabic)', 'canned.titleEn': 'Title (English)',
    'canned.textAr': 'Text (Arabic)', 'canned.textEn': 'Text (English)', 'canned.save': 'Save', 'canned.delete': 'Delete', 'canned.new': 'New reply',
    'canned.adminOnly': 'Only admins edit canned replies.',
    'book.status.booked': 'booked', 'book.status.requested': 'meeting request', 'book.status.arrived': 'arrived', 'book.status.done': 'done',
    'book.status.no-show': 'no-show', 'book.status.cancelled': 'cancelled', 'book.status.declined': 'declined',
    'book.subject': 'Meeting subject', 'book.approve': 'Approve', 'book.decline': 'Decline', 'book.reason': 'Reason (sent to the citizen)', 'error.reason-missing': 'Write the reason for declining.',
    'nav.bookings': 'Appointments', 'book.branch': 'Centre', 'book.day': 'Day', 'book.show': 'Show', 'book.for-caller': 'Book for a caller or walk-in',
    'book.service': 'Service', 'book.time': 'Time', 'book.submit': 'Book', 'book.free': '{n} free', 'book.none': 'no free times',
    'book.code': 'Code', 'book.actions': 'Action', 'book.arrived': 'Arrived', 'book.done': 'Done', 'book.no-show': 'No-show', 'book.cancel': 'Cancel',
    'book.block': 'Close counters (a clerk is absent)', 'book.block.from': 'From', 'book.block.to': 'Until', 'book.block.counters': 'Counters (empty: the whole centre)',
    'book.block.reason': 'Reason (sent to the citizens)', 'book.block.submit': 'Close', 'book.block.all': 'All services', 'book.block.n': '{n} counter(s)', 'book.block.whole': 'whole centre',
    'book.block.lift': 'Lift', 'book.block.done': 'Closed; {n} citizen(s) told and offered other times.', 'book.displaced': 'time closed', 'error.supervisor-only': 'Only a supervisor may close the whole centre.',
    'book.closed': 'This centre takes no appointments on this day (holiday or closure).', 'book.empty': 'No appointments on this day.',
    'book.booked': 'Appointment {code} booked at {time}.', 'error.slot-taken': 'That time was just taken; pick another.',
    'error.slot-unavailable': 'That time cannot be booked.', 'error.not-open': 'That appointment is no longer open.',
    'nav.channels': 'Channels',
    'channels.title': 'Channels', 'channels.on': 'on', 'channels.off': 'off', 'channels.offHere': 'off on this server',
    'channels.since': 'since {time}',
    'channels.whatsappWeb': "WhatsApp Web (the municipality's phone)", 'channels.whatsappWeb.howOn': 'To switch it on: WHATSAPP_WEB=1, then restart the server.',
    'channels.wa.qr': 'waiting for the phone to be linked', 'channels.wa.ready': 'linked and ready', 'channels.wa.disconnected': 'disconnected', 'channels.wa.logged-out': 'the phone logged out',
    'channels.wa.scan': "On the municipality's phone: WhatsApp → Linked devices → Link a device, then scan this code.",
    'channels.wa.qrAlt': "QR code to link the municipality's phone to WhatsApp", 'channels.wa.qrWaiting': 'Preparing the QR code…',
    'channels.wa.loggedOutMessage': "The municipality's phone logged this device out at {time}. WhatsApp messages will not arrive until the phone is linked again by scanning the QR code.",
    'channels.wa.phone': 'Linked number', 'channels.wa.reconnecting': 'Reconnecting automatically.',
    'channels.whatsappCloud': 'WhatsApp Business (Cloud API)', 'channels.cloud.template': 'Approved template',
    'channels.cloud.templatesTitle': 'Messages sent as the approved template', 'channels.cloud.templatesWhy': "The citizen's last message was over 24 hours earlier, so WhatsApp only allows an approved template.",
    'channels.cloud.none': 'No message has gone out as a template.', 'channels.cloud.when': 'When', 'channels.cloud.to': 'To',
    'channels.telegram': 'Telegram', 'channels.telegram.howOn': 'To switch it on: set TELEGRAM_TOKEN, then restart the server.',
    'channels.telegram.on': 'on', 'channels.telegram.off': 'off (token refused or Telegram unreachable; see the log)', 'channels.telegram.starting': 'starting…',
    'channels.telegram.bot': 'Bot', 'channels.telegram.mode': 'Receiving', 'channels.telegram.mode.polling': 'long polling', 'channels.telegram.mode.webhook': 'webhook',
    'conv.template': "Outside the 24-hour window: {n} message(s) to the citizen went out as the approved template (latest {time}).",
    'time.s': '{n}s', 'time.m': '{n} min', 'time.h': '{n} h {m} min',
    'dash.fig.csat-by-channel': 'Citizen satisfaction by channel (1–5)', 'dash.fig.csat-by-department': 'Citizen satisfaction by department (1–5)', 'dash.fig.csat-by-agent': 'Citizen satisfaction by staff member (1–5)',
    'dash.col.answers': 'Ratings', 'dash.col.average': 'Average', 'dash.col.satisfied_pct': '% satisfied (4–5)', 'dash.col.staff': 'Staff member', 'dash.noDepartment': 'Conversations without a department',
    'nav.misunderstood': 'Not understood', 'miss.title': 'What the assistant did not understand',
    'miss.explain': 'Citizen messages from {from} to {to} the assistant did not understand or answered with low confidence, grouped by similar text. Messages of confidential and anonymous complaints never appear here.',
    'miss.count': 'Count', 'miss.texts': 'What citizens wrote', 'miss.guess': "Assistant's guess", 'miss.sample': 'Latest conversation', 'miss.label': 'Correct label',
    'miss.save': 'Save', 'miss.labelled': 'labelled ✓', 'miss.noService': '(no service)', 'miss.download': 'Download labelled examples (JSONL for npm run eval)', 'miss.none': 'Nothing misunderstood in this period.',
    'nav.dashboard': 'Dashboard', 'dash.channel.whatsapp': 'WhatsApp (phone)', 'dash.channel.whatsapp-cloud': 'WhatsApp (Cloud API)',
    'dash.title': 'Dashboard', 'dash.from': 'From', 'dash.to': 'To', 'dash.branch': 'Branch', 'dash.department': 'Department', 'dash.every': 'Group by',
    'dash.every.day': 'day', 'dash.every.week': 'week', 'dash.show': 'Show', 'dash.csv': 'Download CSV', 'dash.loading': 'Counting…',
    'dash.scope.all': 'The whole municipality', 'dash.scope.some': 'Departments: {names}', 'dash.none': 'No data in this period.',
    'dash.error.department-required': 'The dashboard is for supervisors, and for department staff about their department. Your account has no department.',
    'dash.fig.summary': 'Key figures', 'dash.fig.conversations': 'Conversations by channel', 'dash.fig.complaints-by-category': 'Complaints by category and department',
    'dash.fig.complaint-sla': 'Complaints finished on time, by department', 'dash.fig.complaint-backlog': 'Overdue complaints open now',
    'dash.fig.applications-by-service': 'Applications by service', 'dash.fig.application-sla': 'Applications finished on time, by department', 'dash.fig.handoff-reasons': 'Why conversations went to staff',
    'dash.col.day': 'Day', 'dash.col.week': 'Week (from Monday)', 'dash.col.channel': 'Channel', 'dash.col.conversations': 'Conversations', 'dash.col.department_name': 'Department',
    'dash.col.category_name': 'Category', 'dash.col.complaints': 'Complaints', 'dash.col.filed': 'Filed', 'dash.col.finished': 'Finished', 'dash.col.on_time': 'On time',
    'dash.col.late': 'Late', 'dash.col.open_overdue': 'Open and overdue', 'dash.col.on_time_pct': '% on time', 'dash.col.overdue_open': 'Overdue, open',
    'dash.col.service_name': 'Service', 'dash.col.applications': 'Applications', 'dash.col.reason': 'Reason', 'dash.col.handoffs': 'Handoffs', 'dash.col.metric': 'Figure', 'dash.col.value': 'Value',
    'dash.m.complaints_filed': 'Complaints filed', 'dash.m.complaints_finished': 'Complaints finished', 'dash.m.complaints_on_time_pct': '% complaints finished on time',
    'dash.m.complaints_median_hours_to_resolve': 'Median time to resolve (hours)', 'dash.m.complaints_resolved': 'Complaints resolved', 'dash.m.complaints_reopened': 'Reopened ("not fixed")',
    'dash.m.reopen_rate_pct': '% reopened', 'dash.m.complaints_overdue_now': 'Complaints overdue now', 'dash.m.applications_filed': 'Applications registered',
    'dash.m.applications_on_time_pct': '% applications on time', 'dash.m.conversations': 'Conversations', 'dash.m.conversations_with_handoff': 'Conversations handed to staff',
    'dash.m.containment_pct': '% handled by the assistant alone', 'dash.m.handoff_rate_pct': '% handed to staff', 'dash.m.handoffs': 'Handoffs',
    'dash.m.median_minutes_to_take': 'Median wait until taken (minutes)', 'dash.m.median_minutes_to_first_staff_reply': 'Median time to first staff reply (minutes)',
    'dash.fig.complaint-backlog-by-day': 'Overdue complaints still open at the end of each day', 'dash.fig.questions-by-service': 'Citizens\' questions about services', 'dash.fig.csat-by-day': 'Citizen satisfaction over time (1–5)',
    'dash.col.questions': 'Questions', 'dash.m.service_questions': 'Questions about services',
    'dash.fig.csat-comments': 'Citizens\' comments after rating', 'dash.col.at': 'When', 'dash.col.kind': 'After', 'dash.col.score': 'Rating', 'dash.col.comment': 'Comment',
    'dash.kind.handoff': 'a conversation with staff', 'dash.kind.complaint': 'a resolved complaint', 'dash.comment.hidden': 'A comment on a confidential complaint: the citizen office only',
  },
};

for (const l of ['ar', 'en']) Object.assign(words[l], deskWords[l]);

let lang = localStorage.getItem('nafidha.console.lang') === 'en' ? 'en' : 'ar';

export function currentLang() { return lang; }

/** The choices of a citizen's language (the console itself stays ar/en): the municipality's languages, from /catalog. */
export function citizenLanguages(catalog) {
  return (catalog?.languages ?? ['ar', 'en']).map((l) => [l, t(`lang.${l}`)]);
}

export function t(key, vars = {}) {
  const text = words[lang][key] ?? words.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (m, name) => (name in vars ? String(vars[name]) : m));
}

/** t() with elements in it: a value that is a DOM node (a <time>) goes where its {placeholder} is, as a node. */
export function tNodes(key, vars = {}) {
  const marked = Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, v instanceof Node ? `\u0000${k}\u0000` : v]));
  return t(key, marked).split(/\u0000(\w+)\u0000/).map((part, i) => (i % 2 ? vars[part] : part)).filter((x) => x !== '');
}

export function setLang(next) {
  lang = next === 'en' ? 'en' : 'ar';
  localStorage.setItem('nafidha.console.lang', lang);
  document.documentElement.lang = lang;
  document.documentElement.dir = lang === 'ar' ? 'rtl' : 'ltr';
  for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  // The button names the other language in that language; its title says what it does.
  const button = document.getElementById('lang');
  button.textContent = t('lang.other');
  button.lang = lang === 'ar' ? 'en' : 'ar';
  button.title = t('lang.button');
  document.title = `${lang === 'ar' ? 'نافذة' : 'Nafidha'} · ${t('app.title')}`;
}

/** "3 min" since a moment, using the server's clock offset. */
export function since(date, offsetMs = 0) {
  const s = Math.max(0, Math.floor((Date.now() + offsetMs - new Date(date).getTime()) / 1000));
  if (s < 60) return t('time.s', { n: s });
  if (s < 3600) return t('time.m', { n: Math.floor(s / 60) });
  return t('time.h', { n: Math.floor(s / 3600), m: Math.floor((s % 3600) / 60) });
}

/** Every date in the console reads the same way: the long local form ("2 December 2026, 10:30"). */
export function dateTime(date) {
  return new Intl.DateTimeFormat(lang === 'ar' ? 'ar-LY' : 'en-GB', { dateStyle: 'long', timeStyle: 'short' }).format(new Date(date));
}

/** A calendar day (YYYY-MM-DD) in the same long form, without a time. */
export function dayName(day) {
  const d = new Date(`${String(day).slice(0, 10)}T12:00:00Z`);
  if (Number.isNaN(d.getTime())) return String(day);
  return new Intl.DateTimeFormat(lang === 'ar' ? 'ar-LY' : 'en-GB', { dateStyle: 'long', timeZone: 'UTC' }).format(d);
}

/** A <time> element: the long form to read, the ISO moment in its title and datetime (isolated from the text around). */
export function when(date, { dayOnly = false } = {}) {
  const el = document.createElement('time');
  const iso = dayOnly ? String(date).slice(0, 10) : new Date(date).toISOString();
  el.dateTime = iso;
  el.title = iso;
  el.dir = 'auto';
  el.textContent = dayOnly ? dayName(date) : dateTime(date);
  return el;
}

export function time(date) {
  return new Intl.DateTimeFormat(lang === 'ar' ? 'ar-LY' : 'en-GB', { timeStyle: 'short' }).format(new Date(date));
}

/** The name of a catalog entry ({ar, en}) in the console's language. */
export function named(entry, fallback) {
  return entry?.name?.[lang] ?? entry?.[lang] ?? fallback;
}

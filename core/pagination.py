from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator

PAGE_SIZES = (20, 50, 100)


def paginate(request, queryset, per_page: int = 20):
    """A page of the queryset from ?page= (bad or out-of-range numbers fall back to the nearest page)."""
    try:
        size = int(request.GET.get("per_page", per_page))
    except ValueError:
        size = per_page
    if size not in PAGE_SIZES:
        size = per_page
    paginator = Paginator(queryset, size)
    number = request.GET.get("page", 1)
    try:
        return paginator.page(number)
    except PageNotAnInteger:
        return paginator.page(1)
    except EmptyPage:
        return paginator.page(paginator.num_pages)


def query_without_page(request) -> str:
    """The current query string without `page`, for pagination links that keep filters and sorting."""
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()

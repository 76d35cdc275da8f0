from django import template

from zi.insights.charts import chart_for

register = template.Library()


@register.simple_tag
def chart(table):
    return chart_for(table)

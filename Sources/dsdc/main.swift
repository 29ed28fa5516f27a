import DSDC
print("dsdc")

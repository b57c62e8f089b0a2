class App
  def debug
    byebug
  end
end
